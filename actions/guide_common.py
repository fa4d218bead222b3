"""Shared pieces of the guided flows: reading the latest message, leaving a guide, correcting an answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable

GUIDE_FORMS = ("operator_guide_form", "leave_calculator_form")


def latest_text(tracker: Tracker) -> str:
    """Text of the latest user message."""
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str | None:
    """Intent name of the latest user message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def button_answer(tracker: Tracker) -> str | None:
    """The option value a form button sent (/inform{"guide_answer": ...}), if any."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "guide_answer" and entity.get("value") is not None:
            return str(entity["value"])
    return None


def utter_unavailable(dispatcher: CollectingDispatcher, client: AppClient) -> None:
    """The app could not be reached: say so and give the hotline."""
    dispatcher.utter_message(
        json_message={
            "kind": "error",
            "text": f"抱歉，服务暂时不可用，请稍后再试，或拨打 {client.settings.hotline} 热线咨询。",
        }
    )


class ActionCancelGuide(Action):
    """「算了」 inside a guide: leave the form, keep nothing half-filled in play."""

    def name(self) -> str:
        return "action_cancel_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_guide_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionCorrectGuide(Action):
    """「改一下」: inside a form ask what to change; after a guide, apply the new answer and send the result again."""

    def name(self) -> str:
        return "action_correct_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        active = (tracker.active_loop or {}).get("name")
        guide = tracker.get_slot("guide_last")
        if active in GUIDE_FORMS or guide not in ("operator", "leave"):
            dispatcher.utter_message(response="utter_correct_what")
            return []
        # imported here: the flow modules import this one
        from actions.leave_calculator import recompute_leave
        from actions.operator_guide import recompute_checklist

        client = AppClient()
        try:
            if guide == "operator":
                return await recompute_checklist(client, dispatcher, tracker)
            return await recompute_leave(client, dispatcher, tracker)
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
