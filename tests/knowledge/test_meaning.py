"""knowledge.meaning: a message without words (mash, emoji, punctuation, digits) is told apart from any question."""

from __future__ import annotations

import pytest

from knowledge.meaning import has_words, meaningless, reads_as_pinyin


@pytest.mark.parametrize(
    "text",
    [
        "asdfgh",
        "？？？",
        "🙂",
        "😂😂😂",
        "……",
        "!!",
        "123456",
        "jkjkjk",
        "zxcvbnm",
        "  ",
        "[]",
        "~_~",
    ],
)
def test_no_words(text: str) -> None:
    assert meaningless(text)


@pytest.mark.parametrize(
    "text",
    [
        "产假多少天",
        "嗯",
        "哈哈",
        "產假幾天",
        "chanjia ji tian",
        "tuoban ji sui keyi shang a",
        "How long is paternity leave",
        "hello",
        "ok",
        "托育 🙂",
        "3岁",
    ],
)
def test_words(text: str) -> None:
    assert has_words(text)


def test_pinyin_reads_whole_syllables_only() -> None:
    assert reads_as_pinyin("zhongguo") and reads_as_pinyin("xiaohaizi")
    assert not reads_as_pinyin("sdfg") and not reads_as_pinyin("qq")
