"""ActionAnswerPolicy: ask the app for the cited answer and relay it as a custom payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable


def nlu_payload(tracker: Tracker) -> dict[str, Any]:
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
    }


class ActionAnswerPolicy(Action):
    """Answer a policy question from the knowledge base, with its sources."""

    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        client = AppClient()
        try:
            answer = await client.post("/api/internal/answer", nlu_payload(tracker))
        except AppUnavailable:
            dispatcher.utter_message(
                json_message={
                    "kind": "error",
                    "text": f"抱歉，政策查询服务暂时不可用。您可以稍后再试，或拨打 {client.settings.hotline} 热线咨询。",
                }
            )
            return []
        dispatcher.utter_message(
            json_message={
                "kind": answer.get("kind", "answer"),
                "text": answer.get("text", ""),
                "sources": answer.get("sources") or [],
                "buttons": answer.get("buttons") or [],
            }
        )
        topic = answer.get("topic")
        return [SlotSet("topic", topic)] if topic else []
