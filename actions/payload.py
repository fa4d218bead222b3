"""The two shapes between the engine and the app: what the app is told about a message, and what a reply carries.

`nlu_request` is the body every /api/internal decision endpoint reads (text, intent, ranking, entities,
context). `send` and `relay` emit the one custom payload the chat gateway and WeChat render
({kind, text, buttons, sources}); no action builds that dict by hand.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import hotline

Buttons = list[dict[str, str]]


def latest_text(tracker: Tracker) -> str:
    """Text of the latest user message."""
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str | None:
    """Intent name of the latest user message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, name: str) -> Any | None:
    """Value of the first entity of that name in the latest message, if any."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value") is not None:
            return entity["value"]
    return None


def channel_of(tracker: Tracker) -> str:
    """web or wechat, from the metadata the gateway sends with each message."""
    channel = ((tracker.latest_message or {}).get("metadata") or {}).get("channel")
    return channel if channel in ("web", "wechat") else "web"


def nlu_request(tracker: Tracker) -> dict[str, Any]:
    """What the app needs from the latest user message: text, intent, ranking, entities, context."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    return {
        "text": message.get("text") or "",
        "intent": intent.get("name"),
        "confidence": float(intent.get("confidence") or 0.0),
        "intent_ranking": [
            {"name": r.get("name"), "confidence": float(r.get("confidence") or 0.0)}
            for r in (message.get("intent_ranking") or [])[:5]
        ],
        "entities": [
            {"entity": e.get("entity"), "value": e.get("value")}
            for e in (message.get("entities") or [])
        ],
        "context": {"topic": tracker.get_slot("topic")},
        "sender_id": tracker.sender_id,
    }


def custom(
    kind: str,
    text: str,
    *,
    buttons: Buttons | None = None,
    sources: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The custom payload of one bot message (kind decides how the page and WeChat show it)."""
    return {"kind": kind, "text": text, "buttons": buttons or [], "sources": sources or []}


def send(
    dispatcher: CollectingDispatcher,
    kind: str,
    text: str,
    *,
    buttons: Buttons | None = None,
    sources: list[dict[str, Any]] | None = None,
) -> None:
    """Send one message as the custom payload."""
    dispatcher.utter_message(json_message=custom(kind, text, buttons=buttons, sources=sources))


def relay(
    dispatcher: CollectingDispatcher,
    reply: dict[str, Any],
    *,
    kind: str = "answer",
    buttons: Buttons | None = None,
) -> None:
    """Send what an app endpoint answered (its kind, text, buttons, sources); `kind` when it names none.

    A reply to several questions (`parts`) is sent as one message per question, each with its citation.
    """
    parts = reply.get("parts") or []
    if parts:
        for part in parts:
            question = str(part.get("question") or "")
            text = str(part.get("text") or "")
            send(
                dispatcher,
                str(part.get("kind") or kind),
                f"【{question}】\n{text}" if question else text,
                buttons=part.get("buttons") or [],
                sources=part.get("sources") or [],
            )
        return
    send(
        dispatcher,
        str(reply.get("kind") or kind),
        str(reply.get("text") or ""),
        buttons=buttons if buttons is not None else reply.get("buttons") or [],
        sources=reply.get("sources") or [],
    )


def send_unavailable(dispatcher: CollectingDispatcher, *, what: str = "服务") -> None:
    """The app could not be reached: say so and give the hotline."""
    send(dispatcher, "error", f"抱歉，{what}暂时不可用，请稍后再试，或拨打 {hotline()} 热线咨询。")
