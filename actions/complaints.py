"""The complaint form: start it, extract and validate its slots (with triage), and show the summary."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import complaint_words as cw
from actions.complaint_api import ComplaintApi
from actions.flow_route import answered_instead
from actions.payload import send

FORM = "complaint_form"
FORM_SLOTS = (
    "complaint_text",
    "complaint_institution",
    "complaint_place",
    "complaint_when",
    "complaint_phone",
    "complaint_confirm",
)
# everything one complaint keeps in the tracker (complaint_ticket survives: it is the last filed case)
COMPLAINT_SLOTS = (
    *FORM_SLOTS,
    "complaint_edit",
    "complaint_key",
    "complaint_channel",
    "complaint_triage",
    "complaint_urgency",
)
URGENT = {"urgent", "high", "emergency", "紧急", "加急"}
CHANNELS = {"web", "wechat", "phone", "api"}
MAX_TEXT = 5000
MAX_FIELD = 200
FIELD_LABELS = {
    "complaint_text": "事情经过",
    "complaint_institution": "机构名称",
    "complaint_place": "地点",
    "complaint_when": "时间",
    "complaint_phone": "联系电话",
}


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


def latest_intent(tracker: Tracker) -> str | None:
    """Name of the intent of the latest user message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def form_message(
    dispatcher: CollectingDispatcher,
    text: str,
    *,
    kind: str = "form",
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """Send a flow message as a custom payload carrying its kind."""
    send(dispatcher, kind, text, buttons=buttons)


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
    """Takes the triggering message as the complaint when it describes one; validates every answer."""

    def name(self) -> str:
        return "validate_complaint_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """At activation with a described problem, acknowledge it (after any urgent advice)."""
        activating = tracker.active_loop_name != FORM
        events = await super().run(dispatcher, tracker, domain)
        if activating and any(e.get("name") == "complaint_text" and e.get("value") for e in events):
            dispatcher.utter_message(response="utter_complaint_noted")
        return events

    async def extract_complaint_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """At form start only: the whole triggering message, if it says more than 「我要投诉」."""
        if tracker.active_loop_name == FORM or tracker.get_slot("complaint_text"):
            return {}
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        return {"complaint_text": text} if text and cw.describes_problem(text) else {}

    async def validate_complaint_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep the text whole; ask the app's triage at once and warn first if the case is urgent."""
        if value is None:
            return {"complaint_text": None}  # cleared by action_start_complaint, nothing to check
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            dispatcher.utter_message(response="utter_complaint_text_too_long")
            return {"complaint_text": None}
        if len(text) < 4:
            dispatcher.utter_message(response="utter_complaint_text_too_short")
            return {"complaint_text": None}
        triage = await ComplaintApi().triage(text)
        result: dict[str, Any] = {"complaint_text": text, "complaint_triage": triage}
        if triage is None:
            return result  # the app triages again when the case is filed
        urgency = triage.get("urgency")
        result["complaint_urgency"] = urgency
        if (
            is_urgent(urgency)
            and not is_urgent(tracker.get_slot("complaint_urgency"))
            and not advised_now(tracker)
        ):
            dispatcher.utter_message(response="utter_complaint_urgent")
        facts = triage.get("facts") or {}
        for fact, slot in (
            ("institution", "complaint_institution"),
            ("place", "complaint_place"),
            ("when", "complaint_when"),
        ):
            found = facts.get(fact)
            if isinstance(found, list):
                found = "、".join(str(f) for f in found if f)
            if found and tracker.get_slot(slot) is None:
                result[slot] = str(found)[:MAX_FIELD]
        return result

    @staticmethod
    def _optional_field(slot: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """Free text up to 200 characters; 「不知道」 is an answer too."""
        if value is None:
            return {slot: None}
        text = str(value).strip()
        if not text:
            dispatcher.utter_message(response="utter_complaint_answer_empty")
            return {slot: None}
        if cw.is_unknown(text):
            return {slot: cw.UNKNOWN}
        return {slot: text[:MAX_FIELD]}

    async def validate_complaint_institution(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Institution name, or 「不知道」."""
        return self._optional_field("complaint_institution", value, dispatcher)

    async def validate_complaint_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Township/street or address, or 「不清楚」."""
        return self._optional_field("complaint_place", value, dispatcher)

    async def validate_complaint_when(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """When it happened, in the user's words, or 「记不清」."""
        return self._optional_field("complaint_when", value, dispatcher)

    async def validate_complaint_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A mobile 1[3-9]xxxxxxxxx or a landline, digits only; 「不留」 leaves none."""
        if value is None:
            return {"complaint_phone": None}
        text = str(value).strip()
        phone = cw.find_phone(text)
        if phone:
            return {"complaint_phone": phone}
        if cw.wants_no_phone(text) or latest_intent(tracker) == "deny":
            return {"complaint_phone": cw.NO_PHONE}
        dispatcher.utter_message(response="utter_complaint_phone_invalid")
        return {"complaint_phone": None}

    async def validate_complaint_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """确认提交 → yes; 取消 → cancel; 「修改地址」 clears that field so the form asks it again."""
        if value is None:
            return {"complaint_confirm": None}
        text = str(value).strip()
        asked_which = tracker.get_slot("complaint_edit") == "ask"
        reply = cw.summary_reply(text, latest_intent(tracker))
        field = cw.field_named(text) if (reply == "edit" or asked_which) else None
        if field:
            return self._clear_field(field, text, dispatcher)
        if reply == "edit":
            return {"complaint_confirm": None, "complaint_edit": "ask"}
        if reply == "cancel":
            return {"complaint_confirm": "cancel", "complaint_edit": None}
        if reply == "confirm":
            return {"complaint_confirm": "yes", "complaint_edit": None}
        dispatcher.utter_message(response="utter_complaint_summary_unclear")
        return {"complaint_confirm": None, "complaint_edit": None}

    @staticmethod
    def _clear_field(field: str, text: str, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """Clear one field (a new phone number given in the same message is taken at once)."""
        if field == "complaint_phone" and cw.find_phone(text):
            return {
                "complaint_phone": cw.find_phone(text),
                "complaint_confirm": None,
                "complaint_edit": None,
            }
        dispatcher.utter_message(response="utter_complaint_edit_field", field=FIELD_LABELS[field])
        cleared: dict[str, Any] = {field: None, "complaint_confirm": None, "complaint_edit": None}
        if field == "complaint_text":
            cleared.update({"complaint_triage": None})
        return cleared


def _shown(value: str | None, *, empty: str = cw.UNKNOWN) -> str:
    """A field as shown in the summary."""
    return empty if value in (None, "", cw.UNKNOWN) else str(value)


def summary_text(tracker: Tracker) -> str:
    """The summary the user confirms before anything is filed."""
    phone = tracker.get_slot("complaint_phone")
    phone_shown = "不留（匿名）" if phone in (None, cw.NO_PHONE) else phone
    lines = [
        "请核对一下要提交的投诉：",
        f"① 事情经过：{tracker.get_slot('complaint_text')}",
        f"② 机构：{_shown(tracker.get_slot('complaint_institution'))}",
        f"③ 地点：{_shown(tracker.get_slot('complaint_place'))}",
        f"④ 时间：{_shown(tracker.get_slot('complaint_when'))}",
        f"⑤ 联系电话：{phone_shown}",
    ]
    if is_urgent(tracker.get_slot("complaint_urgency")):
        lines.append("（这件事会按紧急情况登记）")
    lines.append(
        "投诉人信息默认保密。没问题请回复「确认提交」；要改哪项就说「修改地址」「电话写错了」这样；不投诉了回复「取消」。"
    )
    return "\n".join(lines)


class ActionAskComplaintConfirm(Action):
    """Show the summary with 确认提交 / 修改 / 取消, or ask which field to change."""

    def name(self) -> str:
        return "action_ask_complaint_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("complaint_edit") == "ask":
            form_message(dispatcher, "您想改哪一项？", buttons=cw.field_buttons())
            return []
        form_message(
            dispatcher,
            summary_text(tracker),
            buttons=[
                {"title": "确认提交", "payload": "确认提交"},
                {"title": "修改", "payload": "修改"},
                {"title": "取消", "payload": "取消"},
            ],
        )
        return []
