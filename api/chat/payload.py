"""Rasa's REST output (text, buttons, custom payloads) → the public chat contract."""

from __future__ import annotations

from typing import Any

from api.chat.schemas import Button, ChatMessage, ChatResponse, Kind, Source

# When several messages of one turn carry kinds, these win over the last one.
_DOMINANT: tuple[Kind, ...] = ("error", "handoff")
_KINDS = {"answer", "clarify", "out_of_scope", "handoff", "smalltalk", "form", "error"}


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
