"""What an answer to a form question is, before anything is stored: the same reading for every form.

A message inside a form is one of: a cancel (the NLU's `stop`), a correction (`correct`), a side question
(a policy intent asked as a question, or one that carries nothing the form can use), an emergency (the
shared detector, knowledge.safety — the chat gateway already gave the advice), another command, or a value.
The NLU intent is the learned part; what a value looks like is each form's own check (`recognised`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from knowledge.models import INTENTS

if TYPE_CHECKING:
    from api.config import Settings
    from api.kb.schemas import AnswerRead, EntityIn

TurnKind = Literal["value", "cancel", "correct", "side", "emergency", "command"]

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
# a form's own start intent, said with facts inside that form, is an answer (「2月30日生的，帮我算」)
_OWN_START = {"leave": "start_leave_calculator", "operator": "start_operator_guide"}
# question marks, question words, the A-not-A form of any verb (会不会, 是不是, 要不要, 有没有…) and its
# short spoken form with 不/没 at the end (「看得到不」「交了没」)
_QUESTION = re.compile(
    r"[?？]|吗|什么|啥|怎么|咋|哪个|哪些|哪里|哪儿|哪天|几号|几天|多少|多久|为什么|是否|谁"
    r"|(\w)[不没]\1|可不可以|有没得|有莫得|(?<=[\u4e00-\u9fff]{2})[不没][哦呀啊嘛]?\s*$"
)


EMERGENCY_NOTE = "这条我先不当作回答记下。请先照顾好孩子，情况稳定后接着回答下面的问题就行。"


def emergency_not_answer(text: str, advised: bool) -> bool:
    """An emergency message (advised by the gateway, or the shared detector says so) is not an answer."""
    from knowledge.safety import detect

    return advised or detect(text).is_emergency


def looks_like_question(text: str) -> bool:
    """A question mark or a question word: the person is asking, not answering."""
    return bool(_QUESTION.search(text or ""))


def classify_turn(
    *,
    intent: str | None,
    text: str,
    recognised: bool,
    emergency: bool = False,
    form: str | None = None,
) -> TurnKind:
    """The kind of one answer inside a form; an emergency that also answers the question is kept as the answer."""
    if emergency and not recognised:
        return "emergency"
    if intent == "stop":
        return "cancel"
    if intent == "correct":
        return "correct"
    if form and intent == _OWN_START.get(form) and recognised:
        return "value"
    if intent in COMMANDS:
        return "command"
    if intent in INTENTS and (looks_like_question(text) or not recognised):
        return "side"
    return "value"


def step_aside(
    *,
    intent: str | None,
    text: str,
    recognised: bool,
    form: str | None = None,
) -> bool:
    """True when the form should let the rules answer this message (then resume)."""
    kind = classify_turn(intent=intent, text=text, recognised=recognised, form=form)
    if kind == "correct":
        return not recognised
    return kind in ("cancel", "side", "command")


def side_answer(
    *,
    text: str,
    intent: str | None,
    settings: Settings,
    confidence: float = 0.0,
    entities: list[EntityIn] | None = None,
) -> AnswerRead | None:
    """A question inside a form that the rules do not route: the knowledge base's answer, if it has one."""
    from api.kb.schemas import AnswerRequest
    from api.kb.service import answer

    asked = AnswerRequest(text=text, intent=intent, confidence=confidence, entities=entities or [])
    reply = answer(request=asked, settings=settings)
    return reply if reply.kind == "answer" else None
