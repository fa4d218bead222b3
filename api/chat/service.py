"""The conversation gateway: one user message in, the turn's messages and kind out."""

from __future__ import annotations

import logging

from api.chat import degraded, safety
from api.chat.payload import to_response
from api.chat.schemas import ChatMessage, ChatResponse
from api.config import Settings
from api.engine import EngineClient
from api.errors import EngineUnavailable
from api.readahead import TOPICS
from knowledge.answer import read_ahead

logger = logging.getLogger(__name__)


def unavailable_text(settings: Settings) -> str:
    """What a person reads when the engine cannot answer."""
    return f"抱歉，智能助手暂时无法回答，请稍后再试，或拨打{settings.hotline_name}（{settings.hotline}）咨询。"


async def converse(
    *, engine: EngineClient, settings: Settings, sender_id: str, text: str, channel: str = "web"
) -> ChatResponse:
    """Safety first, then the engine; while the engine cannot answer, the knowledge base does."""
    # the answer's second reading starts now, on the other core beside the emergency check's embedding
    _work_ahead(sender_id=sender_id, text=text)
    result = await safety.assess(text)
    if result.is_emergency and result.confidence >= safety.CERTAIN:
        if not await engine.watch.usable():  # the advice alone, the conversation untouched
            return safety.advised(result, [])
        return await safety.emergency_turn(
            engine=engine, result=result, sender_id=sender_id, text=text, channel=channel
        )
    turn = await _turn(
        engine=engine, settings=settings, sender_id=sender_id, text=text, channel=channel
    )
    if result.is_emergency:  # unsure: the advice first, and the turn goes on as usual after it
        return safety.advised(result, turn.messages, kind=turn.kind)
    return turn


async def _turn(
    *, engine: EngineClient, settings: Settings, sender_id: str, text: str, channel: str
) -> ChatResponse:
    """Through the engine when it can answer, else from the knowledge base (api.chat.degraded)."""
    if await engine.watch.usable():
        try:
            return await _engine_turn(
                engine=engine, settings=settings, sender_id=sender_id, text=text, channel=channel
            )
        except EngineUnavailable as error:
            engine.watch.observe(False, reason=error.detail)
    return await degraded.kb_turn_async(text=text, settings=settings)


def _work_ahead(*, sender_id: str, text: str) -> None:
    """Start the answer's second reading (against the last topic) on the other core while the emergency
    check and the engine read the message; it only saves time, so a failure here never costs the turn."""
    try:
        read_ahead(text=text, topic=TOPICS.get(sender_id))
    except Exception as error:  # an optimisation must not fail a family's turn
        logger.warning("chat: read-ahead skipped (%s)", type(error).__name__)


async def _engine_turn(
    *, engine: EngineClient, settings: Settings, sender_id: str, text: str, channel: str
) -> ChatResponse:
    """One ordinary turn through the engine; EngineUnavailable says which part failed."""
    raw = await engine.send(sender_id=sender_id, text=text, metadata={"channel": channel})
    response = to_response(raw)
    if not response.messages:
        # Rasa answers with nothing when an action could not run: is the action server there?
        if not await engine.actions_ok():
            raise EngineUnavailable("action server not answering")
        response = ChatResponse(
            messages=[
                ChatMessage(
                    text=f"抱歉，我没能回答这个问题。您可以换个说法，或拨打{settings.hotline_name}（{settings.hotline}）。"
                )
            ],
            kind="error",
        )
    return response
