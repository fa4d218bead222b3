"""Several questions in one message: 「产假多少天？陪产假呢？托班几岁能上？」 → three questions.

A message is cut after each question mark and sentence end; a piece that asks nothing (「我在仁和上班。」)
is context and stays with the question after it (or before it, at the end). Commas never cut: 「我老婆
上个月生的，产假多少天」 is one question.
"""

from __future__ import annotations

import re

from knowledge.scope import looks_asking
from knowledge.text import normalize

MAX_QUESTIONS = 3  # answered in one reply; more would bury the answers
_CUT = re.compile(r"(?<=[?？。！!；;])\s*")
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z]{2,}")


def _pieces(text: str) -> list[str]:
    """The message cut after ?, 。, !, ; (pieces without any word dropped)."""
    return [p.strip() for p in _CUT.split(text.strip()) if _CJK_OR_WORD.search(normalize(p))]


def split_questions(text: str) -> list[str]:
    """The questions of a message in order, each with the context that came before it."""
    questions: list[str] = []
    context = ""
    for piece in _pieces(text):
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
