"""Greetings, thanks, goodbye, 「你是谁」: answered only when the message has words (the app checks).

The NLU may read a keyboard mash or a row of emoji as a greeting; the app's clarify decision (which
looks at the text, knowledge.meaning) says "not understood" then, and that reply is sent instead of
a greeting, a goodbye or the self-introduction.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable
from actions.handoff import misunderstood_in_row, offered_events
from actions.payload import latest_intent, nlu_request, relay

RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "bot_challenge": "utter_iamabot",
}


class ActionSmalltalk(Action):
    """The small-talk reply for the intent, unless the message carries no words at all."""

    def name(self) -> str:
        return "action_smalltalk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        before = misunderstood_in_row(tracker.events or [])
        try:
            decision = await AppClient().post(
                "/api/internal/clarify", {**nlu_request(tracker), "misunderstood_before": before}
            )
        except AppUnavailable:
            decision = {"kind": "pass"}  # small talk needs no app: answer it
        if decision.get("kind") == "handoff":
            relay(dispatcher, decision)
            return offered_events()
        if decision.get("kind") == "clarify":
            relay(dispatcher, decision)
            return [SlotSet("misunderstandings", before + 1)]
        dispatcher.utter_message(
            response=RESPONSES.get(latest_intent(tracker) or "", "utter_greet")
        )
        return [SlotSet("misunderstandings", 0)]
