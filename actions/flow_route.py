"""Before a flow's form starts: a message that only asks one who-question is answered instead (the app decides)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable
from actions.payload import nlu_request, send

MAX_OFFER = 1000  # the chat contract's limit on a message


async def answered_instead(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    flow: str = "complaint",
    offer_title: str = "我要投诉这件事",
    offer_prefix: str = "我要投诉：",
    append_text: bool = True,
) -> dict[str, Any] | None:
    """Ask the app; when the message only asks one question, answer it (returned) and offer the flow as a button."""
    request = nlu_request(tracker)
    try:
        route = await AppClient().post(f"/api/internal/flow-route/{flow}", request)
    except AppUnavailable:
        return None  # when in doubt, let the person file
    answer = route.get("answer") if route.get("mode") == "answer" else None
    if not answer:
        return None
    offer = (f"{offer_prefix}{request['text']}" if append_text else offer_prefix)[:MAX_OFFER]
    send(
        dispatcher,
        "answer",
        str(answer.get("text") or ""),
        sources=answer.get("sources") or [],
        buttons=[{"title": offer_title, "payload": offer}],
    )
    return dict(answer)
