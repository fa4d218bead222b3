"""Pinyin read back into the knowledge base's words before search (knowledge.pinyin.readable)."""

from __future__ import annotations

import pytest

from knowledge.pinyin import readable


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("hunjia you jitian", ["婚假"]),
        ("yuerjia zenme suan", ["育儿假"]),
        ("tuoyu jigou xiaofang", ["托育", "机构", "消防"]),
        ("yingyezhizhao qu nali ban", ["营业执照"]),
    ],
)
def test_a_message_typed_in_pinyin_is_read_as_the_knowledge_base_words(
    typed: str, words: list[str]
) -> None:
    read = readable(typed)
    for word in words:
        assert word in read, (typed, read)


@pytest.mark.parametrize(
    "text",
    ["How many days of leave do fathers get?", "DTP vaccine", "托育机构消防谁管", "ok"],
)
def test_english_chinese_and_a_lone_syllable_are_left_as_they_are(text: str) -> None:
    from knowledge.text import normalize

    assert readable(text) == normalize(text)


def test_mixed_chinese_and_pinyin_keeps_the_chinese() -> None:
    read = readable("请问 chanjia 多少天")
    assert "请问" in read and "产假" in read and "chanjia" not in read
