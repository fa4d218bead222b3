"""ActionAnswerPolicy: ask the app for the cited answer and relay it as a custom payload.

ActionUnexpectedTurn does the same for a turn no rule or story covers (the core fallback), then takes the
turn out of the dialogue history so the next one is predicted from a known state."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable
from actions.handoff import filed_after_offer
from actions.payload import nlu_request, relay, send_unavailable


class ActionAnswerPolicy(Action):
    """Answer a policy question from the knowledge base, with its sources."""

    # Outside a form an answer ends the turn (every rule and story says so), so the engine is told to
    # listen rather than asked to predict it: one policy run less per turn. A form's turn goes on.
    ends_turn = True

    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        taken = await filed_after_offer(dispatcher, tracker)
        if taken is not None:
            return taken
        try:
            answer = await AppClient().post("/api/internal/answer", nlu_request(tracker))
        except AppUnavailable:
            send_unavailable(dispatcher, what="政策查询服务")
            return []
        relay(dispatcher, answer)
        topic = answer.get("topic")
        listen = self.ends_turn and not (tracker.active_loop or {}).get("name")
        return [
            *([SlotSet("topic", topic)] if topic else []),
            *([FollowupAction("action_listen")] if listen else []),
        ]


class ActionUnexpectedTurn(ActionAnswerPolicy):
    """Core fallback: the message is still answered (the app decides answer, clarify, out of scope or a human)."""

    ends_turn = False  # the turn is taken out of the history; the policies say what comes next

    def name(self) -> str:
        return "action_unexpected_turn"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        return [UserUtteranceReverted(), *events]
