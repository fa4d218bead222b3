"""Before a complaint form starts: a message that only asks where such a problem goes is answered instead."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import nlu_payload
from actions.app_client import AppClient, AppUnavailable

MAX_OFFER = 1000  # the chat contract's limit on a message


async def answered_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """The app decides whether the message only asks where such a problem goes; then answer and offer filing."""
    payload = nlu_payload(tracker)
    try:
        route = await AppClient().post("/api/internal/complaint-route", payload)
    except AppUnavailable:
        return False  # when in doubt, let the person file
    answer = route.get("answer") if route.get("mode") == "answer" else None
    if not answer:
        return False
    offer = f"我要投诉：{payload['text']}"[:MAX_OFFER]
    dispatcher.utter_message(
        json_message={
            "kind": "answer",
            "text": answer.get("text", ""),
            "sources": answer.get("sources") or [],
            "buttons": [{"title": "我要投诉这件事", "payload": offer}],
        }
    )
    return True
