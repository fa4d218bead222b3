"""Several questions in one message: 「产假多少天？陪产假呢？托班几岁能上？」 → three questions.

A message is cut after each question mark and sentence end; a piece that asks nothing (「我在仁和上班。」)
is context and stays with the question after it (or before it, at the end). Commas never cut: 「我老婆
上个月生的，产假多少天」 is one question. An enumeration does (「一是…，二是…」, 「1、… 2、…」, 「第一…第二…」,
「①…②…」, 「首先…其次…」): when a message numbers two or more items, each item is cut off before its
number, which is dropped.
"""

from __future__ import annotations

import re

from knowledge.scope import looks_asking
from knowledge.text import normalize

MAX_QUESTIONS = 3  # answered in one reply; more would bury the answers
_CUT = re.compile(r"(?<=[?？。！!；;])\s*")
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z]{2,}")
_ITEM_START = r"(?:^|(?<=[，,：:；;。？?！!\s]))"
# one pattern per numbering style: a message numbers its items in one style
_ENUMERATIONS = tuple(
    re.compile(style)
    for style in (
        _ITEM_START + r"[一二三四五六]是",
        _ITEM_START + r"第[一二三四五六](?:个问题|个|点|条)?(?:是|[，,、：:])",  # not 第一胎
        _ITEM_START + r"[1-6][)）、.．](?!\d)",  # not 1.5万
        r"[(（][1-6][)）]",
        r"[①②③④⑤⑥]",
        _ITEM_START + r"(?:首先|其次|再次|最后)[，,、：:]?",
    )
)


def _items(text: str) -> tuple[str, list[str]]:
    """What comes before an enumeration of two or more items, and the items, numbers dropped."""
    for pattern in _ENUMERATIONS:
        marks = list(pattern.finditer(text))
        if len(marks) >= 2:
            starts = [m.start() for m in marks]
            ends = [*starts[1:], len(text)]
            items = [
                text[m.end() : end].strip(" ，,；;、") for m, end in zip(marks, ends, strict=True)
            ]
            return text[: starts[0]], [
                item for item in items if _CJK_OR_WORD.search(normalize(item))
            ]
    return text, []


def _pieces(text: str) -> list[str]:
    """The text cut after ?, 。, !, ; (pieces without any word dropped)."""
    return [p.strip() for p in _CUT.split(text.strip()) if _CJK_OR_WORD.search(normalize(p))]


def split_questions(text: str) -> list[str]:
    """The questions of a message in order, each with the context that came before it."""
    head, items = _items(text.strip())
    if items:  # what comes before numbered items introduces them (「问几件事：」)
        return [" ".join(head.split()) + items[0], *items[1:]]
    questions: list[str] = []
    context = ""
    for piece in _pieces(head):
        if piece.endswith(("?", "？", "呢")) or looks_asking(normalize(piece)):
            questions.append(context + piece)
            context = ""
        else:
            context += piece
    if context:
        if questions:
            questions[-1] = questions[-1] + context
        else:
            questions.append(context)
    return questions
