"""answer(): scope, leave arithmetic, retrieval decisions, clarify buttons and context carry-over."""

from __future__ import annotations

import pytest

from knowledge.answer import answer
from knowledge.loader import load_knowledge

OOS_REGION = "我只了解攀枝花市仁和区的托育政策"


@pytest.mark.parametrize(
    "text",
    [
        "广州的育儿假有几天",
        "北京托育补贴怎么领",
        "香港托儿所收费贵不贵",
        "In Hong Kong, how many maternity-leave days do mums get",
        "成都哪里有托育园",
        "米易县托育机构怎么备案",
        "Beijing childcare subsidy",
    ],
)
def test_other_regions_are_out_of_scope(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "out_of_scope"
    assert result.text.startswith(OOS_REGION)
    assert "{hotline}" in result.text and not result.sources


def test_a_local_mention_keeps_other_places_in_scope() -> None:
    result = answer(text="我老家成都的，现在在仁和上班，陪产假有几天")
    assert result.kind == "answer" and result.entry_ids == ["paternity-leave"]


@pytest.mark.parametrize(
    "text",
    [
        "宝宝发烧38度5吃什么药",
        "娃一直拉肚子怎么治",
        "小孩湿疹挂什么科",
        "明天仁和区天气咋样",
        "最近买什么股票好",
        "攀枝花有什么旅游景点",
        "帮我写首诗",
    ],
)
def test_medicine_weather_stocks_travel_are_out_of_scope(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "out_of_scope"
    assert "仁和区" in result.text and "{hotline}" in result.text


def test_a_complaint_mentioning_illness_is_not_treated_as_medical() -> None:
    result = answer(text="托育机构好几个孩子得了手足口病，向哪个部门反映")
    assert result.kind == "answer"
    assert "区卫生健康局" in result.text


def test_hotline_is_filled_only_when_given() -> None:
    assert "{hotline}" in answer(text="北京托育政策").text
    filled = answer(text="北京托育政策", hotline="12345")
    assert "12345" in filled.text and "{hotline}" not in filled.text


def test_unrelated_text_is_declined_not_answered_with_a_random_entry() -> None:
    for text in ("手机屏幕碎了去哪修", "我想办个健身房去哪办营业执照", "今天吃什么"):
        result = answer(text=text)
        assert result.kind == "out_of_scope", text
        assert not result.entry_ids


def test_in_domain_but_unknown_goes_to_handoff() -> None:
    result = answer(text="孩子不爱吃饭天天哭闹怎么办")
    assert result.kind == "handoff" and "{hotline}" in result.text


def test_asking_for_a_person_is_a_handoff() -> None:
    assert answer(text="转人工").kind == "handoff"


def test_answer_uses_exactly_one_entry() -> None:
    kb = load_knowledge()
    result = answer(text="托育机构乱收费去哪投诉")
    entry = kb.entry(result.entry_ids[0])
    assert result.kind == "answer" and entry is not None
    assert result.text == entry.answer
    assert result.topic == entry.id
    assert result.sources[0].quote == entry.quote
    assert result.sources[0].doc.startswith("攀仁府办〔2020〕128号《")
    assert len(result.sources) == len(entry.citations)


def test_national_rule_entries_cite_the_state_council_order() -> None:
    result = answer(text="剖腹产算难产吗")
    assert result.entry_ids == ["caesarean-leave"]
    assert result.sources[0].doc.startswith("国务院令第619号")


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("双胞胎产假一共多少天", ["173 天", "20 天"]),
        ("难产能休几天产假", ["173 天"]),
        ("三胞胎加难产总共休多久", ["203 天"]),
        ("怀孕两个月流产能休几天", ["15 天"]),
        ("孕20周流产了产假几天", ["42 天"]),
    ],
)
def test_leave_arithmetic_goes_through_answer(text: str, numbers: list[str]) -> None:
    result = answer(text=text)
    assert result.kind == "answer"
    for number in numbers:
        assert number in result.text
    assert "区人力资源社会保障局" in result.text
    assert result.sources and result.topic


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        ("maternity-leave-total", "那男方呢？", "paternity-leave"),
        ("community-childcare", "要多少钱", "fees"),
        ("paternity-leave", "工资呢", "leave-pay"),
        ("open-for-profit-registration", "那消防呢", "open-fire-permit"),
    ],
)
def test_followups_use_the_previous_topic(previous: str, text: str, expected: str) -> None:
    result = answer(text=text, context={"topic": previous})
    assert result.kind == "answer"
    assert result.entry_ids == [expected]


def test_the_other_kind_of_institution_after_for_profit_registration() -> None:
    """「那非营利的呢」: where a non-profit registers, from its own entry or the entry comparing the two."""
    result = answer(text="那非营利的呢", context={"topic": "open-for-profit-registration"})
    assert result.kind == "answer"
    assert result.entry_ids[0] in {"open-nonprofit-registration", "open-profit-or-nonprofit"}
    assert "区民政局" in result.text and "法人登记" in result.text


def test_followup_leave_arithmetic_uses_context() -> None:
    result = answer(text="那双胞胎呢", context={"topic": "maternity-leave-total"})
    assert "173 天" in result.text and result.topic == "multiple-birth-leave"


def test_unknown_previous_topic_is_ignored() -> None:
    assert (
        answer(text="托育机构消防谁管", context={"topic": "no-such-entry"}).entry_ids
        == answer(text="托育机构消防谁管").entry_ids
    )


@pytest.mark.parametrize("text", ["那个钱的事", "办手续"])
def test_a_vague_message_asks_back_with_titles_that_lead_to_their_entries(text: str) -> None:
    kb = load_knowledge()
    result = answer(text=text)
    assert result.kind == "clarify", (text, result.kind, result.entry_ids)
    assert 1 <= len(result.buttons) <= 3
    assert [b.payload for b in result.buttons] == [kb.entry(i).title for i in result.entry_ids]  # type: ignore[union-attr]
    for button in result.buttons:
        chosen = answer(text=button.payload)
        assert chosen.kind == "answer" and kb.entry(chosen.entry_ids[0]).title == button.payload  # type: ignore[union-attr]


def test_title_and_entry_id_entity_select_an_entry() -> None:
    kb = load_knowledge()
    entry = kb.entry("grid-inspection")
    assert entry is not None
    assert answer(text=entry.title).entry_ids == ["grid-inspection"]
    picked = answer(text="这个", entities=[{"entity": "entry_id", "value": "grid-inspection"}])
    assert picked.entry_ids == ["grid-inspection"]


def test_nlu_intent_rescues_a_weak_match() -> None:
    helped = answer(text="陪产价几天", intent="ask_paternity_leave", confidence=0.93)
    assert helped.kind == "answer" and helped.entry_ids == ["paternity-leave"]


def test_a_misspelt_question_without_an_intent_is_answered() -> None:
    """The homophone typo is read as the term (knowledge.homophones) before anything is decided."""
    result = answer(text="陪产价几天")
    assert result.kind == "answer" and result.entry_ids == ["paternity-leave"]


def test_ranking_supplies_a_policy_intent_when_top_intent_is_fallback() -> None:
    result = answer(
        text="陪产价几天",
        intent="nlu_fallback",
        confidence=0.4,
        ranking=[("nlu_fallback", 0.4), ("ask_paternity_leave", 0.85)],
    )
    assert result.entry_ids == ["paternity-leave"]
