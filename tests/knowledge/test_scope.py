"""Scope filters: topic filters yield to childcare words, region and medicine filters do not."""

from __future__ import annotations

import pytest

from knowledge.answer import answer
from knowledge.scope import (
    asks_department,
    domain_hits,
    domain_terms,
    in_domain,
    out_of_scope_category,
)

WEATHER = "天气方面的问题我回答不了"


def test_domain_vocabulary_comes_from_the_entries_and_synonyms() -> None:
    terms = set(domain_terms())
    assert {"非营利", "消防设计审查", "陪产假", "托育机构"} <= terms  # keywords, synonyms
    assert "营业执照" not in terms and "钱" not in terms  # too general on their own
    assert not any(t.isdigit() for t in terms)


@pytest.mark.parametrize(
    "text",
    [
        "基金会打算举办一家非营利的托育机构，去哪儿登记？",
        "我们是个公益基金会 想在社区搞个不盈利的托儿所 民政那边怎么登记",
        "托育园门口的股票交易所广告牌谁管",  # the finance word is incidental
    ],
)
def test_a_topic_word_next_to_childcare_words_does_not_decline(text: str) -> None:
    assert out_of_scope_category(text) is None
    assert answer(text=text).kind != "out_of_scope"


def test_foundation_registration_reaches_the_civil_affairs_entry() -> None:
    result = answer(text="基金会想办个非营利性质的托育单位，在哪登记啊")
    assert result.kind == "answer" and result.entry_ids == ["open-nonprofit-registration"]


@pytest.mark.parametrize(
    "text",
    ["托育机构装修，消防设计审查是哪个部门负责", "消防设计的审查归谁管？", "消防验收找哪个单位"],
)
def test_fire_design_review_is_in_scope_and_goes_to_housing(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "answer"
    assert "区住建局" in result.text


@pytest.mark.parametrize(
    "text",
    [
        "上海的托育机构备案流程是啥",
        "深圳托育补贴怎么申请",
        "how long is maternity-leave in Singapore",
        "杭州幼儿园托班收几岁的",
        "香港的產假有幾天",
    ],
)
def test_other_regions_are_declined_even_with_childcare_words(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "out_of_scope" and result.text.startswith("我只了解攀枝花市仁和区")


@pytest.mark.parametrize("text", ["四川省规定的产假是多少天", "攀枝花仁和区跟成都的陪产假一样吗"])
def test_a_local_mention_keeps_the_question(text: str) -> None:
    assert out_of_scope_category(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "宝宝拉肚子三天了吃啥止泻",
        "娃发烧39度 退烧药怎么吃",
        "一岁宝宝咳嗽挂啥科",
        "孩子积食了怎么治疗",
    ],
)
def test_medical_requests_stay_out_of_scope_with_baby_words(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "out_of_scope" and "医疗机构" in result.text


@pytest.mark.parametrize(
    "text",
    [
        "周末会不会降温呀",
        "明天升温吗，温度多少",
        "这两天冷不冷 宝宝要加衣服吗",
        "后天热不热？娃穿多少合适",
        "周末会不会变天 想带孩子出去",
        "今晚会不会下雨",
        "is it going to rain tomorrow",
    ],
)
def test_weather_in_many_words_is_declined(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "out_of_scope" and result.text.startswith(WEATHER), text


@pytest.mark.parametrize(
    "text",
    [
        "驾照年审去哪办",
        "电脑开不了机咋办",
        "附近哪家火锅好吃",
        "身份证丢了怎么补",
        "我想办个健身房去哪办营业执照",
    ],
)
def test_no_domain_word_and_no_answer_is_out_of_scope_not_handoff(text: str) -> None:
    assert not in_domain(text)
    result = answer(text=text)
    assert result.kind == "out_of_scope" and not result.entry_ids


def test_a_trusted_intent_alone_does_not_turn_unrelated_text_into_a_handoff() -> None:
    result = answer(text="身份证丢了怎么补", intent="ask_policy_overview", confidence=0.9)
    assert result.kind == "out_of_scope"


def test_in_domain_without_answer_still_hands_off() -> None:
    assert domain_hits("托育园的阿姨会不会讲方言") or in_domain("托育园的阿姨会不会讲方言")
    assert answer(text="宝宝晚上老是哭闹睡不好咋办").kind == "handoff"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这事找谁", True),
        ("该派给哪个部门", True),
        ("归谁管啊", True),
        ("谁来审？", True),
        ("去哪里投诉", True),
        ("which department handles this", True),
        ("产假多少天", False),
        ("托育机构有哪些服务形式", False),
    ],
)
def test_asks_department(text: str, expected: bool) -> None:
    assert asks_department(text) is expected


@pytest.mark.parametrize(
    ("text", "asks_only"),
    [
        ("托育园门口天天堆着垃圾，这种事情归哪个部门管啊", True),
        ("工单：托育点没证经营，主办单位派给谁", True),
        ("我要举报！这家托育点没证经营，该找谁", False),
        ("帮我投诉一下托育园乱收费，找谁都行", False),
        ("托育园老师凶孩子", False),
    ],
)
def test_asking_where_a_problem_goes_is_not_filing(text: str, asks_only: bool) -> None:
    from knowledge.scope import asks_not_files

    assert asks_not_files(text) is asks_only
