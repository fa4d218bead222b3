"""The conversation gateway: one user message in, the turn's messages and kind out."""

from __future__ import annotations

import logging
from typing import Any

from api.chat.engine import EngineClient
from api.chat.schemas import Button, ChatMessage, ChatResponse, Kind, Source
from api.config import Settings
from api.errors import EngineUnavailable

logger = logging.getLogger(__name__)

# When several messages of one turn carry kinds, these win over the last one.
_DOMINANT: tuple[Kind, ...] = ("error", "handoff")
_KINDS = {"answer", "clarify", "out_of_scope", "handoff", "smalltalk", "form", "error"}


def unavailable_text(settings: Settings) -> str:
    """What a person reads when the engine cannot answer."""
    return f"抱歉，智能助手暂时无法回答，请稍后再试，或拨打{settings.hotline_name}（{settings.hotline}）咨询。"


def to_response(raw: list[dict[str, Any]]) -> ChatResponse:
    """Merge Rasa's REST output (text, buttons, custom payloads) into the public contract."""
    messages: list[ChatMessage] = []
    kinds: list[Kind] = []
    for item in raw:
        custom = item.get("custom")
        if isinstance(custom, dict):
            said = custom.get("kind")
            if said in _KINDS:
                kinds.append(said)
            if not custom.get("text"):
                continue  # a kind-only payload annotates the turn, it is not shown
            messages.append(
                _message(custom.get("text", ""), custom.get("buttons"), custom.get("sources"))
            )
        elif item.get("text"):
            messages.append(_message(item["text"], item.get("buttons"), None))
    return ChatResponse(messages=messages, kind=turn_kind(kinds))


def turn_kind(kinds: list[Kind]) -> Kind:
    """Error and handoff win; otherwise the last kind said; plain text alone is smalltalk."""
    for dominant in _DOMINANT:
        if dominant in kinds:
            return dominant
    return kinds[-1] if kinds else "smalltalk"


def _message(text: str, buttons: Any, sources: Any) -> ChatMessage:
    return ChatMessage(
        text=text,
        buttons=[Button(title=b["title"], payload=b["payload"]) for b in buttons or []] or None,
        sources=[
            Source(doc=s["doc"], section=s["section"], quote=s["quote"]) for s in sources or []
        ]
        or None,
    )


async def converse(
    *, engine: EngineClient, settings: Settings, sender_id: str, text: str, channel: str = "web"
) -> ChatResponse:
    """Send a message to the engine; an engine or action server that fails becomes EngineUnavailable."""
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
