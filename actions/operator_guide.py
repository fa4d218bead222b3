"""Operator guide (开办托育机构): a five-question form whose answers the app reads and turns into a checklist."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.app_client import AppClient, AppUnavailable
from actions.flow_route import answered_instead
from actions.guide_common import (
    advised_now,
    button_answer,
    latest_intent,
    latest_text,
    utter_unavailable,
)
from actions.payload import relay, send

QUESTIONS = ("nature", "premises", "location", "services", "ages")
SLOTS = tuple(f"op_{q}" for q in QUESTIONS)


def answer_events(answers: dict[str, Any], needed: list[str] | None = None) -> list[EventType]:
    """SlotSet for each answer the app recognised, and the questions that still matter."""
    events: list[EventType] = [
        SlotSet(f"op_{key}", value) for key, value in answers.items() if key in QUESTIONS
    ]
    if needed:
        events.append(SlotSet("op_needed", [q for q in needed if q in QUESTIONS]))
    return events


def current_answers(tracker: Tracker) -> dict[str, Any]:
    """The form's answers so far, keyed by question id."""
    return {q: tracker.get_slot(f"op_{q}") for q in QUESTIONS}


async def send_checklist(
    client: AppClient, dispatcher: CollectingDispatcher, answers: dict[str, Any]
) -> list[EventType]:
    """Ask the app for the checklist, send it as one message, remember it for 「再发一遍」."""
    body = {q: answers.get(q) or ([] if q in ("services", "ages") else "") for q in QUESTIONS}
    reply = await client.post("/api/internal/operator-checklist", body)
    relay(dispatcher, reply, kind="form")
    return [SlotSet("op_checklist", reply["text"]), SlotSet("guide_last", "operator")]


async def recompute_checklist(
    client: AppClient, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """A correction after the checklist was sent: apply the recognised answers and send the new checklist."""
    parsed = await client.post("/api/internal/operator/parse", {"text": latest_text(tracker)})
    answers = parsed.get("answers") or {}
    if not answers:
        dispatcher.utter_message(response="utter_correct_what")
        return []
    merged = {**current_answers(tracker), **answers}
    return answer_events(answers) + await send_checklist(client, dispatcher, merged)


class ActionStartOperatorGuide(Action):
    """Start (or start over): clear earlier answers, keep any the opening message already gives."""

    def name(self) -> str:
        return "action_start_operator_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if latest_intent(tracker) == "start_operator_guide" and await answered_instead(
            dispatcher,
            tracker,
            flow="operator_guide",
            offer_title="给我列一份完整的开办清单",
            offer_prefix="我想开一家托育机构，给我列开办清单",
            append_text=False,
        ):
            return [FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_operator_guide_intro")
        events: list[EventType] = [SlotSet(slot, None) for slot in SLOTS] + [
            SlotSet("requested_slot", None),
            SlotSet("op_needed", None),
        ]
        if latest_intent(tracker) == "start_operator_guide":
            try:
                parsed = await AppClient().post(
                    "/api/internal/operator/parse", {"text": latest_text(tracker)}
                )
                events += answer_events(parsed.get("answers") or {}, parsed.get("needed"))
            except AppUnavailable:
                pass  # the form simply asks every question
        return events


class ValidateOperatorGuideForm(FormValidationAction):
    """Typed answers are read by the app; a question or command makes the form step aside."""

    def name(self) -> str:
        return "validate_operator_guide_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Only the questions the app says can still change the checklist (all of them at first)."""
        needed = tracker.get_slot("op_needed")
        if not needed:
            return domain_slots
        return [slot for slot in domain_slots if slot[3:] in needed]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested: str | None = tracker.get_slot("requested_slot")
        if requested not in SLOTS:
            return []
        button = button_answer(tracker)
        body = {
            "text": button or latest_text(tracker),
            "intent": None if button else latest_intent(tracker),
            "only": requested[3:] if button else None,
            "emergency": advised_now(tracker),
            "filled": {q: v for q, v in current_answers(tracker).items() if v},
        }
        client = AppClient()
        try:
            parsed = await client.post("/api/internal/operator/parse", body)
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return [SlotSet(requested, None)]
        if parsed.get("note"):  # an emergency, not an answer: the question is asked again
            send(dispatcher, "form", parsed["note"])
            return [SlotSet(requested, None)]
        if parsed.get("step_aside"):
            return []  # nothing extracted: the form is rejected and the rules answer, then it resumes
        answers = parsed.get("answers") or {}
        if parsed.get("answer"):  # a question the knowledge base answered: then the question again
            relay(dispatcher, parsed["answer"])
            return [SlotSet(requested, None)]
        if not answers:
            dispatcher.utter_message(response="utter_guide_not_understood")
            return [SlotSet(requested, None)]
        return answer_events(answers, parsed.get("needed"))


class ActionOperatorChecklist(Action):
    """The form is complete: send the ordered, cited checklist."""

    def name(self) -> str:
        return "action_operator_checklist"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        client = AppClient()
        try:
            return await send_checklist(client, dispatcher, current_answers(tracker))
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []


class ActionResendChecklist(Action):
    """「再发一遍清单」: the last checklist again, as one message to copy."""

    def name(self) -> str:
        return "action_resend_checklist"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.get_slot("op_checklist")
        if not text:
            dispatcher.utter_message(response="utter_no_checklist_yet")
            return []
        send(dispatcher, "form", text)
        return []
