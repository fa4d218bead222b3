"""The emergency turn: advice first, on every channel and in every state, then the conversation goes on.

The detector (knowledge.safety) runs before the engine. On an emergency the family reads the number
to call and one safe step at once. The message then reaches the engine only when it starts a
complaint (the engine's NLU says so, read without touching the conversation) or a form is open: the
form's reader, told of the advice, keeps it only as an answer to the question asked and otherwise asks
again. A hand-off does not file it as a 留言, and no stray policy answer follows the advice.
"""

from __future__ import annotations

import asyncio
import logging

from api.chat.payload import to_response
from api.chat.schemas import ChatMessage, ChatResponse, Kind
from api.engine import EngineClient
from api.errors import EngineUnavailable
from knowledge.safety import SafetyResult, advice, detect
from knowledge.scope import about_complaints

logger = logging.getLogger(__name__)

COMPLAINT_INTENT = "file_complaint"
# Above this confidence the advice stands alone (the engine sees the message only to start or answer a
# complaint); below it — still over the detector's recall-first threshold — the advice comes first and
# the turn goes on as usual, so a false alarm costs one line, not the family's answer.
CERTAIN = 0.5
KEPT = "您刚才的对话已为您保留，情况稳定后可以接着回答上一个问题，或回复「取消」结束。"


async def assess(text: str) -> SafetyResult:
    """Run the detector off the event loop (the embedding is ~15 ms of C code)."""
    return await asyncio.to_thread(detect, text)


def advice_message(result: SafetyResult) -> ChatMessage:
    """The one short, loud message that comes first."""
    return ChatMessage(text=advice(result), urgent=True)


def advised(
    result: SafetyResult, messages: list[ChatMessage], *, kind: Kind = "answer"
) -> ChatResponse:
    """The advice, then whatever the ordinary turn said (used when the detector is not sure)."""
    return _response(result, [advice_message(result), *messages], kind)


def _response(result: SafetyResult, messages: list[ChatMessage], kind: Kind) -> ChatResponse:
    return ChatResponse(
        messages=messages,
        kind=kind,
        emergency=result.emergency,  # type: ignore[arg-type]
        call=list(result.numbers),
    )


async def _asks_to_complain(engine: EngineClient, text: str) -> bool:
    """The family says they want to complain (投诉/举报…) and the engine reads it so too."""
    return about_complaints(text) and await engine.intent(text=text) == COMPLAINT_INTENT


async def emergency_turn(
    *, engine: EngineClient, result: SafetyResult, sender_id: str, text: str, channel: str
) -> ChatResponse:
    """Advice first; the engine sees the message when it starts a complaint or a form is open: the form's
    reader (told of the advice) keeps it only when it answers the question asked — a name, a date, a
    place the detector misread — and otherwise says so and asks the question again."""
    first = advice_message(result)
    state = await engine.flow_state(sender_id=sender_id)
    if state is None:  # engine down or unknown: the advice alone, the conversation untouched
        return _response(result, [first], "answer")
    if state.handoff:  # a paused conversation never files the emergency as its 留言
        return _response(result, [first, ChatMessage(text=KEPT)], "handoff")
    if not state.busy and not await _asks_to_complain(engine, text):
        return _response(result, [first], "answer")
    try:
        raw = await engine.send(
            sender_id=sender_id,
            text=text,
            metadata={"channel": channel, "emergency": result.emergency},
        )
    except EngineUnavailable:
        return _response(result, [first], "answer")
    turn = to_response(raw)
    return _response(result, [first, *turn.messages], turn.kind)
