"""Shared pieces of the guided flows: reading the latest message, telling the app is down, leaving a guide.

This module sits below the flow modules: it imports none of them (the correction after a finished guide,
which needs both flows, lives in actions/guide_correct.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient
from actions.payload import latest_entity, latest_intent, latest_text, send_unavailable

GUIDE_FORMS = ("operator_guide_form", "leave_calculator_form")
__all__ = [
    "GUIDE_FORMS",
    "ActionCancelGuide",
    "advised_now",
    "button_answer",
    "latest_intent",
    "latest_text",
    "utter_unavailable",
]


def button_answer(tracker: Tracker) -> str | None:
    """The option value a form button sent (/inform{"guide_answer": ...}), if any."""
    value = latest_entity(tracker, "guide_answer")
    return None if value is None else str(value)


def advised_now(tracker: Tracker) -> bool:
    """The app's safety layer already gave the emergency numbers for this message (metadata)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return bool(metadata.get("emergency"))


def utter_unavailable(dispatcher: CollectingDispatcher, client: AppClient | None = None) -> None:
    """The app could not be reached: say so and give the hotline."""
    send_unavailable(dispatcher)


class ActionCancelGuide(Action):
    """「算了」 inside a guide: leave the form, keep nothing half-filled in play."""

    def name(self) -> str:
        return "action_cancel_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_guide_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
