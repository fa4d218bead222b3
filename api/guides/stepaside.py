"""Whether a message inside a guide is an answer, or a question/command the form should step aside for."""

from __future__ import annotations

import re

from knowledge.models import INTENTS

# Commands that always interrupt a form (unless a correction already carries the new answer).
COMMANDS = frozenset(
    {
        "human_handoff",
        "continue_bot",
        "stop",
        "correct",
        "start_leave_calculator",
        "start_operator_guide",
        "restart_guide",
        "resend_checklist",
        "file_complaint",
        "check_complaint_status",
    }
)
_QUESTION = re.compile(
    r"[?？]|吗|什么|怎么|咋|哪个|哪些|哪里|哪儿|几天|多少|多久|为啥|为什么|能不能|可不可以|是否|有没有|谁"
)


def looks_like_question(text: str) -> bool:
    """A question mark or a question word: the person is asking, not answering."""
    return bool(_QUESTION.search(text or ""))


def step_aside(*, intent: str | None, text: str, recognised: bool) -> bool:
    """True when the form should let the rules answer this message (then resume)."""
    if intent in COMMANDS:
        return not (intent == "correct" and recognised)
    if intent in INTENTS:
        return looks_like_question(text) or not recognised
    return False
