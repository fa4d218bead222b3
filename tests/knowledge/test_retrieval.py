"""Retrieval finds the right entry for varied real-world phrasings and stays low on unrelated text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.loader import load_knowledge
from knowledge.retrieval import Retriever, canonical, expand, get_retriever

QUESTIONS = yaml.safe_load((Path(__file__).parent / "questions.yml").read_text(encoding="utf-8"))


def test_probe_set_is_large_and_points_at_real_entries() -> None:
    ids = {e.id for e in load_knowledge().entries}
    assert len(QUESTIONS["answer"]) >= 40
    for probe in QUESTIONS["answer"]:
        assert set(probe["expect"]) <= ids, probe


@pytest.mark.parametrize("probe", QUESTIONS["answer"], ids=lambda p: p["text"])
def test_top_hit_is_the_right_entry(probe: dict) -> None:
    hits = get_retriever().search(probe["text"], top_k=3)
    assert hits[0].entry.id in probe["expect"], [(h.entry.id, h.score) for h in hits]


@pytest.mark.parametrize("text", QUESTIONS["abstain"])
def test_unrelated_text_scores_low(text: str) -> None:
    hits = get_retriever().search(text, top_k=1)
    assert not hits or hits[0].score < 0.45 or "产假" in text or "托育" in text


def test_index_is_built_once() -> None:
    assert get_retriever() is get_retriever()


def test_scores_are_normalised_and_sorted() -> None:
    hits = get_retriever().search("托育机构消防检查", top_k=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_intent_moves_matching_entries_up() -> None:
    retriever = get_retriever()
    plain = [h.entry.id for h in retriever.search("托育机构消防", top_k=3)]
    complaint = retriever.search(
        "托育机构消防", intent="ask_complaint_channel", intent_confidence=0.9, top_k=3
    )
    opening = retriever.search(
        "托育机构消防", intent="ask_open_institution", intent_confidence=0.9, top_k=3
    )
    assert plain[0] != "complain-fire-hazard"
    assert complaint[0].entry.id == "complain-fire-hazard" and complaint[0].intent_match
    assert opening[0].intent_match and "ask_open_institution" in opening[0].entry.intents


def test_entity_match_boosts_the_named_department() -> None:
    retriever = get_retriever()
    hits = retriever.search(
        "那他们负责啥", entities=[{"entity": "department", "value": "卫健局"}], top_k=3
    )
    assert hits[0].entry.id == "duty-health" and hits[0].entity_match


def test_aliases_map_to_canonical_names() -> None:
    assert canonical("城管") == "区综合执法局"
    assert canonical("人社局") == "区人力资源社会保障局"
    assert "区市场监管局" in expand("工商局在哪")


def test_retriever_works_on_any_entry_list() -> None:
    entries = [e for e in load_knowledge().entries if e.group == "leave"]
    hits = Retriever(entries).search("陪产假", top_k=2)
    assert hits[0].entry.id == "paternity-leave"
    assert {h.entry.group for h in hits} == {"leave"}


# ---------------------------------------------------------------- hybrid (lexical + dense + pinyin)

SAME_QUESTION = [
    (
        "paternity-leave",
        [
            "孩子爸爸可以请几天假陪老婆坐月子",
            "How many days off does a new father get when his baby is born?",
            "nanfang peichan jia ji tian",
            "孩子爸爸可以請幾天假陪老婆坐月子",
        ],
    ),
    (
        "toban-kindergarten",
        [
            "娃娃两岁多，幼儿园能不能收",
            "Can a kindergarten take my two-and-a-half year old into its toddler class?",
            "youeryuan tuoban shou liang sui de haizi ma",
            "娃娃兩歲多，幼兒園能不能收",
        ],
    ),
    (
        "staff-certificates",
        [
            "在托育园带娃的阿姨要考什么证才能上岗",
            "Do carers at a daycare need a certificate before they start working?",
            "tuoyu baoyuyuan yao chizheng shanggang ma",
            "在托育園帶娃的阿姨要考什麼證才能上崗",
        ],
    ),
]


@pytest.mark.parametrize(("expected", "variants"), SAME_QUESTION, ids=lambda v: str(v)[:20])
def test_paraphrase_english_pinyin_and_traditional_find_the_same_entry(
    expected: str, variants: list[str]
) -> None:
    from knowledge.decide import decider

    hybrid = decider().hybrid
    for text in variants:
        top = [h.entry.id for h in hybrid.search(text, top_k=3)]
        assert expected in top, (text, top)
    mandarin, *_, traditional = variants
    assert hybrid.search(mandarin, top_k=1)[0].entry.id == expected
    assert hybrid.search(traditional, top_k=1)[0].entry.id == expected


def test_hybrid_scores_are_probabilities_best_first() -> None:
    from knowledge.decide import decider

    hits = decider().hybrid.search("托育机构消防检查", top_k=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_pinyin_syllables_are_read_from_latin_words() -> None:
    from knowledge.pinyin import query_syllables, split_syllables

    assert split_syllables("tuoban") == ["tuo", "ban"]
    assert split_syllables("xyzzy") is None
    assert query_syllables("tuoban ji sui") == ["tuo", "ban", "ji", "sui"]
    assert query_syllables("托班几岁") == []
