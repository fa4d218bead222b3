"""Entries for rules newer than the plan: routed by answer(), hedged where the source is `medium`, cited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from knowledge.answer import answer
from knowledge.clock import fixed_today
from knowledge.loader import load_knowledge

PROBES = yaml.safe_load((Path(__file__).parent / "questions.yml").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize("probe", PROBES["current"], ids=lambda p: p["text"])
def test_current_rule_questions_get_the_right_entry(probe: dict) -> None:
    with fixed_today(TODAY):
        reply = answer(text=probe["text"])
    assert reply.kind == "answer", (probe["text"], reply.kind)
    assert set(reply.entry_ids) & set(probe["expect"]), (probe["text"], reply.entry_ids)
    for group in probe.get("must", []):
        assert any(alt in reply.text for alt in group), (probe["text"], group, reply.text)
    assert reply.sources


# medium-confidence facts of current-rules-2026.md: stated only with a hedge and a place to check
MEDIUM = {
    "parental-leave-counting": ("为准", "区卫生健康局"),
    "leave-rule-change-on-leave": ("没有查到", "区卫生健康局"),
    "puhui-provider-subsidy": ("为准", "区卫生健康局"),
    "hotline-time-limits": ("为准", "12345"),
    "panzhihua-childcare-subsidy": ("无法确认", "区卫生健康局"),
}


@pytest.mark.parametrize(("entry_id", "words"), MEDIUM.items())
def test_medium_facts_carry_their_hedge_and_where_to_check(
    entry_id: str, words: tuple[str, str]
) -> None:
    entry = load_knowledge().entry(entry_id)
    assert entry is not None
    for word in words:
        assert word in entry.answer, (entry_id, word)


def test_new_entries_cite_the_current_rules_documents() -> None:
    kb = load_knowledge()
    current = [e for e in kb.entries if e.group == "current_rules"]
    assert len(current) >= 19  # one fact, one place: the rules merged where two entries quoted one
    for entry in current:
        assert kb.documents[entry.doc].source in (
            "current-rules-2026.md",
            "renhe-2020-128-infant-care-plan.txt",
        )


def test_third_child_days_are_never_a_plain_total() -> None:
    entry = load_knowledge().entry("third-child-leave")
    assert entry is not None and "申请" in entry.answer and "不是自动增加" in entry.answer
    assert "218" not in entry.answer
