"""The complaint form: start it, relay every answer to the app's reader, correct a field, show the summary.

The app (POST /api/internal/complaint/read) says what an answer is and which slots it fills; a side question,
「改一下」 without the new value and 「算了」 make the form step aside (nothing extracted) so the rules in
bot/rules/complaints.yml answer, correct or cancel and the form asks its question again.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.app_client import AppClient, AppUnavailable
from actions.complaint_shapes import NO_PHONE, UNKNOWN
from actions.flow_route import answered_instead
from actions.payload import nlu_request, relay, send, send_unavailable

FORM = "complaint_form"
FORM_SLOTS = (
    "complaint_text",
    "complaint_institution",
    "complaint_place",
    "complaint_when",
    "complaint_phone",
    "complaint_confirm",
)
# what the app's reader may set (anything else in its answer is ignored)
READ_SLOTS = (*FORM_SLOTS, "complaint_edit", "complaint_triage", "complaint_urgency")
# everything one complaint keeps in the tracker (complaint_ticket survives: it is the last filed case)
COMPLAINT_SLOTS = (
    *READ_SLOTS,
    "complaint_shown",
    "complaint_key",
    "complaint_channel",
    "complaint_cancelled",
)
URGENT = {"urgent", "high", "emergency", "紧急", "加急"}
CHANNELS = {"web", "wechat", "phone", "api"}
TEXT_SLOTS = (*FORM_SLOTS, "complaint_edit")


def given(value: str | None) -> str | None:
    """A slot value as the app wants it: the 「不知道」/「不留」 markers mean not given."""
    return None if value in (None, "", UNKNOWN, NO_PHONE) else str(value)


def complaint_payload(tracker: Tracker) -> dict[str, Any]:
    """The request body, built only from slots so every retry sends the very same body.

    No triage: the app triages the text itself when it files the case (the slot only drives the
    conversation's urgent warning).
    """
    payload: dict[str, Any] = {
        "text": tracker.get_slot("complaint_text"),
        "institution": given(tracker.get_slot("complaint_institution")),
        "place": given(tracker.get_slot("complaint_place")),
        "when": given(tracker.get_slot("complaint_when")),
        "phone": given(tracker.get_slot("complaint_phone")),
        "channel": tracker.get_slot("complaint_channel") or "web",
        "sender_id": tracker.sender_id,
        "kind": "complaint",
    }
    return payload


def payload_digest(payload: dict[str, Any]) -> str:
    """Digest of what the summary shows of a filing body: the submit action files only a body shown."""
    shown = {k: payload.get(k) for k in ("text", "institution", "place", "when", "phone")}
    return hashlib.sha256(
        json.dumps(shown, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()[:16]


def advised_now(tracker: Tracker) -> bool:
    """The app's safety layer already gave the emergency numbers for this message (metadata)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return bool(metadata.get("emergency"))


def is_urgent(urgency: str | None) -> bool:
    """Triage urgency values that mean a child may be in danger now."""
    return str(urgency or "").lower() in URGENT


def latest_channel(tracker: Tracker) -> str:
    """The channel the gateway put in the message metadata (web unless it says wechat/phone/api)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            channel = (event.get("metadata") or {}).get("channel")
            return channel if channel in CHANNELS else "web"
    return "web"


def form_message(
    dispatcher: CollectingDispatcher,
    text: str,
    *,
    kind: str = "form",
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """Send a flow message as a custom payload carrying its kind."""
    send(dispatcher, kind, text, buttons=buttons)


def filled_slots(tracker: Tracker) -> dict[str, str | None]:
    """The form's text slots so far, as the app's reader wants them."""
    return {
        slot: None if tracker.get_slot(slot) is None else str(tracker.get_slot(slot))
        for slot in TEXT_SLOTS
    }


def read_request(tracker: Tracker, slot: str | None) -> dict[str, Any]:
    """The body of /api/internal/complaint/read for the latest message."""
    request = nlu_request(tracker)
    return {
        "text": request["text"],
        "intent": request["intent"],
        "confidence": request["confidence"],
        "entities": [e for e in request["entities"] if isinstance(e.get("value"), str)],
        "slot": slot,
        "filled": filled_slots(tracker),
        "emergency": advised_now(tracker),
    }


class ActionStartComplaint(Action):
    """Clear what a previous complaint left and make this complaint's Idempotency-Key, once."""

    def name(self) -> str:
        return "action_start_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if await answered_instead(dispatcher, tracker):
            return [FollowupAction("action_listen")]
        events: list[EventType] = [
            SlotSet(slot, None)
            for slot in COMPLAINT_SLOTS
            if tracker.get_slot(slot) is not None and slot != "complaint_key"
        ]
        events += [
            SlotSet("complaint_key", uuid.uuid4().hex),
            SlotSet("complaint_channel", latest_channel(tracker)),
        ]
        return events


class ValidateComplaintForm(FormValidationAction):
    """Every answer (and the opening message) goes to the app's reader; the action only relays."""

    def name(self) -> str:
        return "validate_complaint_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The app already validated what it read: its slot events are returned as they are (triage too)."""
        return await self.get_extraction_events(dispatcher, tracker, domain)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask the app what the message is; say what it says, set what it sets."""
        opening = tracker.active_loop_name != FORM
        requested = None if opening else tracker.get_slot("requested_slot")
        if not opening and requested not in FORM_SLOTS:
            return []
        client = AppClient()
        try:
            read = await client.post(
                "/api/internal/complaint/read", read_request(tracker, requested)
            )
        except AppUnavailable:
            if requested == "complaint_confirm":  # nothing filed; the family's answers are all kept
                dispatcher.utter_message(
                    response="utter_complaint_submit_failed", hotline=client.settings.hotline
                )
            else:
                send_unavailable(dispatcher)
            return [SlotSet(requested, None)] if requested else []
        urgent_now = read.get("urgent") and not is_urgent(tracker.get_slot("complaint_urgency"))
        if urgent_now and not advised_now(tracker):
            dispatcher.utter_message(response="utter_complaint_urgent")
        for line in read.get("say") or []:
            form_message(dispatcher, str(line))
        if read.get("answer"):
            relay(dispatcher, read["answer"])
        if read.get("step_aside"):
            return []  # nothing extracted: the form is rejected, the rules answer, then it asks again
        values = {k: v for k, v in (read.get("values") or {}).items() if k in READ_SLOTS}
        events: list[EventType] = [SlotSet(slot, value) for slot, value in values.items()]
        if requested and requested not in values:
            events.append(SlotSet(requested, None))  # not an answer to it: the form asks it again
        return events


class ActionCorrectComplaint(Action):
    """「地点说错了」 inside the form: the app names the field; it is cleared and asked again."""

    def name(self) -> str:
        return "action_correct_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        filled = [
            s for s in FORM_SLOTS if tracker.get_slot(s) is not None and s != "complaint_confirm"
        ]
        body = {"form": "complaint", "text": nlu_request(tracker)["text"], "filled": filled}
        client = AppClient()
        try:
            reply = await client.post("/api/internal/form/correct", body)
        except AppUnavailable:
            send_unavailable(dispatcher)
            return []
        field = reply.get("field")
        at_summary = tracker.get_slot("requested_slot") == "complaint_confirm"
        if not field and at_summary:
            return [
                SlotSet("complaint_edit", "ask")
            ]  # the summary step asks which field, with buttons
        relay(dispatcher, reply, kind="form")
        if not field:
            return []
        events: list[EventType] = [
            # the new value when the message gave it, else None: the form asks again
            SlotSet(field, reply.get("value")),
            SlotSet("complaint_confirm", None),
            SlotSet("complaint_shown", None),
            SlotSet("complaint_edit", None),
        ]
        if field == "complaint_text":
            events += [SlotSet("complaint_triage", None), SlotSet("complaint_urgency", None)]
        return events


def filed_fields(payload: dict[str, Any], *, urgent: bool) -> dict[str, Any]:
    """The fields of the filing body the summary shows (the same dict the submit action files)."""
    shown = {k: payload.get(k) for k in ("text", "institution", "place", "when", "phone")}
    return {**shown, "urgent": urgent}


class ActionAskComplaintConfirm(Action):
    """Show the summary of exactly the body that will be filed, or ask which field to change."""

    def name(self) -> str:
        return "action_ask_complaint_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        client = AppClient()
        try:
            if tracker.get_slot("complaint_edit") == "ask":
                filled = [s for s in FORM_SLOTS if s != "complaint_confirm"]
                body = {"form": "complaint", "text": "", "filled": filled}
                relay(
                    dispatcher, await client.post("/api/internal/form/correct", body), kind="form"
                )
                return []
            payload = complaint_payload(tracker)
            urgent = is_urgent(tracker.get_slot("complaint_urgency"))
            reply = await client.post(
                "/api/internal/complaint/summary", filed_fields(payload, urgent=urgent)
            )
        except AppUnavailable:
            send_unavailable(dispatcher)
            return []
        relay(dispatcher, reply, kind="form")
        return [SlotSet("complaint_shown", payload_digest(payload))]
