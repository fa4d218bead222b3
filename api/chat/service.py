"""The conversation gateway: one user message in, the turn's messages and kind out."""

from __future__ import annotations

import logging

from api.chat import safety
from api.chat.engine import EngineClient
from api.chat.payload import to_response
from api.chat.schemas import ChatMessage, ChatResponse
from api.config import Settings
from api.errors import EngineUnavailable

logger = logging.getLogger(__name__)


def unavailable_text(settings: Settings) -> str:
    """What a person reads when the engine cannot answer."""
    return f"抱歉，智能助手暂时无法回答，请稍后再试，或拨打{settings.hotline_name}（{settings.hotline}）咨询。"


async def converse(
    *, engine: EngineClient, settings: Settings, sender_id: str, text: str, channel: str = "web"
) -> ChatResponse:
    """Safety first, then the engine; an engine or action server that fails becomes EngineUnavailable."""
    result = await safety.assess(text)
    if result.is_emergency and result.confidence >= safety.CERTAIN:
        return await safety.emergency_turn(
            engine=engine, result=result, sender_id=sender_id, text=text, channel=channel
        )
    if result.is_emergency:  # unsure: the advice first, and the turn goes on as usual after it
        try:
            turn = await _engine_turn(
                engine=engine, settings=settings, sender_id=sender_id, text=text, channel=channel
            )
        except EngineUnavailable:
            return safety.advised(result, [])
        return safety.advised(result, turn.messages, kind=turn.kind)
    return await _engine_turn(
        engine=engine, settings=settings, sender_id=sender_id, text=text, channel=channel
    )


async def _engine_turn(
    *, engine: EngineClient, settings: Settings, sender_id: str, text: str, channel: str
) -> ChatResponse:
    """One ordinary turn through the engine."""
    try:
        raw = await engine.send(sender_id=sender_id, text=text, metadata={"channel": channel})
    except EngineUnavailable as error:
        raise EngineUnavailable(unavailable_text(settings)) from error
    response = to_response(raw)
    if not response.messages:
        # Rasa answers with nothing when an action could not run: tell the truth, offer the hotline.
        if not await engine.actions_ok():
            logger.warning("action server down; answering 503")
            raise EngineUnavailable(unavailable_text(settings))
        response = ChatResponse(
            messages=[
                ChatMessage(
                    text=f"抱歉，我没能回答这个问题。您可以换个说法，或拨打{settings.hotline_name}（{settings.hotline}）。"
                )
            ],
            kind="error",
        )
    return response
