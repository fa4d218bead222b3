"""Homophone typos are read back into the knowledge base's terms; correct Chinese is never changed."""

from __future__ import annotations

import re

import pytest

from knowledge.homophones import corrected
from knowledge.loader import DATA_DIR, load_knowledge
from knowledge.pinyin import readable
from knowledge.text import normalize

SOURCES = DATA_DIR / "sources"  # the policy texts as the repository carries them


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("二孩的育儿补帖有多少", "育儿补贴"),
        ("请问陪产价是几天", "陪产假"),
        ("托斑多大的孩子能去", "托班"),
        ("育耳假怎么休", "育儿假"),
        ("我老婆的产架到几号", "产假"),
        ("护理价有没有工资", "护理假"),
        ("生育价能延长不", "生育假"),
    ],
)
def test_a_one_character_homophone_typo_reads_as_the_term(typed: str, meant: str) -> None:
    assert meant in corrected(typed)
    assert meant in readable(typed)


@pytest.mark.parametrize(
    "text",
    [
        "托育机构备案归哪个部门管",  # 个部门 is no typo of 各部门: windows never cut a word
        "区发展和改革局负责什么",
        "我的手机号换了",
        "托育是哪个部门牵头",  # 是 is a function word, never a typo of 师
        "全日制和半日制有什么区别",
        "单位想办个托育室",
        "这种事是卫健管还是教育管",
        "老板一直没给签劳动合同",
        "消防有啥要求",
    ],
)
def test_correct_chinese_is_left_alone(text: str) -> None:
    assert corrected(text) == normalize(text)


def test_no_sentence_of_the_entries_or_the_sources_is_changed() -> None:
    """The knowledge base and the policy texts are correct Chinese: a correction there is a false one."""
    sentences = [e.title for e in load_knowledge().entries]
    sentences += [p for e in load_knowledge().entries for p in re.split("[。；！？]", e.answer)]
    for path in sorted(SOURCES.glob("*")):
        sentences += re.split(r"[。；！？\n]", path.read_text(encoding="utf-8"))
    changed = [s for s in sentences if corrected(s) != normalize(s)]
    assert len(sentences) > 800
    assert changed == []
