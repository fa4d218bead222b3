"""Leave calculator: a short form (birth or due date, delivery, babies; or a miscarriage) computed by the app."""

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
from actions.payload import nlu_request, relay, send

SLOTS = ("leave_event", "leave_date", "leave_delivery", "leave_babies", "leave_months")
BIRTH_SLOTS = ["leave_event", "leave_date", "leave_delivery", "leave_babies"]
MISCARRIAGE_SLOTS = ["leave_event", "leave_months", "leave_date"]
# app field → slot
FIELDS = {
    "event": "leave_event",
    "date": "leave_date",
    "delivery": "leave_delivery",
    "babies": "leave_babies",
    "months": "leave_months",
}


def parsed_events(parsed: dict[str, Any]) -> list[EventType]:
    """SlotSet for each fact the app recognised (numbers kept as text slots)."""
    return [
        SlotSet(slot, str(parsed[field]))
        for field, slot in FIELDS.items()
        if parsed.get(field) is not None
    ]


def leave_body(slots: dict[str, Any]) -> dict[str, Any]:
    """The /api/internal/leave request from the form's slots."""
    body: dict[str, Any] = {
        "event": slots.get("leave_event") or "birth",
        "date": slots.get("leave_date"),
        "delivery": slots.get("leave_delivery") or "normal",
        "babies": int(float(slots.get("leave_babies") or 1)),
    }
    if slots.get("leave_months") is not None:
        body["months"] = float(slots["leave_months"])
    return body


async def send_result(
    client: AppClient, dispatcher: CollectingDispatcher, slots: dict[str, Any]
) -> list[EventType]:
    """Ask the app to compute and send the result with its rules and sources."""
    reply = await client.post("/api/internal/leave", leave_body(slots))
    relay(dispatcher, reply, kind="form")
    topic = [SlotSet("topic", reply["topic"])] if reply.get("topic") else []
    return [SlotSet("guide_last", "leave"), *topic]


async def recompute_leave(
    client: AppClient,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    or_answer: bool = False,
) -> list[EventType]:
    """A correction after the result was sent: apply the recognised facts and compute again.

    `or_answer`: the message only followed the result (「那我老公呢」) — with no fact to apply it is a
    question, answered from the knowledge base like any other."""
    parsed = await client.post(
        "/api/internal/leave/parse",
        {"text": latest_text(tracker), "event": tracker.get_slot("leave_event")},
    )
    if parsed.get("date_error"):
        send(dispatcher, "form", parsed["date_error"])
        return []
    events = parsed_events(parsed)
    if not events and or_answer:
        answer = await client.post("/api/internal/answer", nlu_request(tracker))
        relay(dispatcher, answer)
        return [SlotSet("topic", answer["topic"])] if answer.get("topic") else []
    if not events:
        dispatcher.utter_message(response="utter_correct_what")
        return []
    slots = {slot: tracker.get_slot(slot) for slot in SLOTS}
    slots.update({event["name"]: event["value"] for event in events})
    return events + await send_result(client, dispatcher, slots)


class ActionStartLeaveCalculator(Action):
    """Start (or start over): clear earlier answers, keep facts the opening message already gives."""

    def name(self) -> str:
        return "action_start_leave_calculator"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answered = latest_intent(tracker) == "start_leave_calculator" and await answered_instead(
            dispatcher,
            tracker,
            flow="leave_calculator",
            offer_title="帮我算到哪天",
            offer_prefix="帮我算产假到哪天",
            append_text=False,
        )
        if answered:
            topic = answered.get("topic")
            return [*([SlotSet("topic", topic)] if topic else []), FollowupAction("action_listen")]
        events: list[EventType] = [SlotSet(slot, None) for slot in SLOTS] + [
            SlotSet("requested_slot", None)
        ]
        parsed: dict[str, Any] = {}
        if latest_intent(tracker) == "start_leave_calculator":
            try:
                parsed = await AppClient().post(
                    "/api/internal/leave/parse", {"text": latest_text(tracker), "opening": True}
                )
            except AppUnavailable:
                parsed = {}
        found = parsed_events(parsed)
        if len(found) < len(BIRTH_SLOTS):  # questions follow: say what this is first
            dispatcher.utter_message(response="utter_leave_calculator_intro")
        if parsed.get("date_error"):  # 「2月30日生的」: say why, then ask for the date
            send(dispatcher, "form", parsed["date_error"])
        return events + found


class ValidateLeaveCalculatorForm(FormValidationAction):
    """Typed answers are read by the app (dates as people write them); impossible dates get a question back."""

    def name(self) -> str:
        return "validate_leave_calculator_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """A miscarriage needs the month of pregnancy instead of delivery and babies."""
        return (
            MISCARRIAGE_SLOTS if tracker.get_slot("leave_event") == "miscarriage" else BIRTH_SLOTS
        )

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested: str | None = tracker.get_slot("requested_slot")
        if requested not in SLOTS:
            return []
        button = button_answer(tracker)
        body = {
            "text": button or latest_text(tracker),
            "slot": requested,
            "event": tracker.get_slot("leave_event"),
            "intent": None if button else latest_intent(tracker),
            "emergency": advised_now(tracker),
        }
        client = AppClient()
        try:
            parsed = await client.post("/api/internal/leave/parse", body)
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return [SlotSet(requested, None)]
        if parsed.get("note"):  # an emergency, not an answer: the question is asked again
            send(dispatcher, "form", parsed["note"])
            return [SlotSet(requested, None)]
        if parsed.get("step_aside"):
            return []
        events = parsed_events(parsed)
        if parsed.get("date_error"):
            send(dispatcher, "form", parsed["date_error"])
            return [*events, SlotSet("leave_date", None)]
        if not events:
            dispatcher.utter_message(response="utter_guide_not_understood")
            return [SlotSet(requested, None)]
        return events


class ActionLeaveResult(Action):
    """The form is complete: days, last day, rules applied and the advice to check for revisions."""

    def name(self) -> str:
        return "action_leave_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        client = AppClient()
        try:
            return await send_result(
                client, dispatcher, {slot: tracker.get_slot(slot) for slot in SLOTS}
            )
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
