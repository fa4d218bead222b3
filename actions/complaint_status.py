"""Status lookup of a filed complaint: ticket and verifier (PIN or phone last 4) → state and dates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import complaint_shapes as cw
from actions.complaint_api import ComplaintApi, ComplaintAppDown
from actions.complaints import form_message
from actions.settings import get_settings

FORM = "complaint_status_form"
STATUS_SLOTS = ("status_ticket", "status_verifier")
BEIJING = timezone(timedelta(hours=8), "北京时间")


def local_time(stamp: str | None) -> str:
    """An ISO timestamp from the app as 2026-11-28 14:03 (Beijing time)."""
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def status_text(found: dict[str, Any]) -> str:
    """What the public may see about a case: state, dates and the department's 办理结果 (masked by the app)."""
    lines = [
        f"工单 {found.get('ticket')} 的办理情况：",
        f"当前状态：{found.get('state')}",
        f"提交时间：{local_time(found.get('created_at'))}",
        f"最近更新：{local_time(found.get('updated_at'))}",
    ]
    result = str(found.get("result") or "").strip()
    if result:
        lines.append(f"办理结果（{local_time(found.get('result_at'))[:10]}）：{result}")
    return "\n".join(lines)


class ValidateComplaintStatusForm(FormValidationAction):
    """Reads the ticket (also from the triggering message) and the verifier."""

    def name(self) -> str:
        return "validate_complaint_status_form"

    async def extract_status_ticket(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """At form start only: a ticket number written in the request itself."""
        if tracker.active_loop_name == FORM or tracker.get_slot("status_ticket"):
            return {}
        ticket = cw.find_ticket((tracker.latest_message or {}).get("text") or "")
        return {"status_ticket": ticket} if ticket else {}

    async def validate_status_ticket(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """TY + 8-digit date + sequence, however it was typed."""
        if value is None:
            return {"status_ticket": None}
        ticket = cw.find_ticket(str(value))
        if not ticket:
            dispatcher.utter_message(response="utter_status_ticket_invalid")
        return {"status_ticket": ticket}

    async def validate_status_verifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """6-digit PIN or 4-digit phone ending."""
        if value is None:
            return {"status_verifier": None}
        verifier = cw.find_verifier(str(value))
        if not verifier:
            dispatcher.utter_message(
                response="utter_status_verifier_invalid", hotline=get_settings().hotline
            )
        return {"status_verifier": verifier}


class ActionCheckComplaintStatus(Action):
    """Ask the app's public lookup and report state and dates."""

    def name(self) -> str:
        return "action_check_complaint_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        api = ComplaintApi()
        reset: list[EventType] = [SlotSet(slot, None) for slot in STATUS_SLOTS]
        ticket, verifier = tracker.get_slot("status_ticket"), tracker.get_slot("status_verifier")
        if not ticket or not verifier:
            dispatcher.utter_message(
                response="utter_status_not_found", hotline=api.settings.hotline
            )
            return reset
        try:
            reply = await api.lookup(ticket=ticket, verifier=verifier, sender_id=tracker.sender_id)
        except ComplaintAppDown:
            dispatcher.utter_message(response="utter_status_failed", hotline=api.settings.hotline)
            return reset
        if reply.status == 200 and reply.body.get("state"):
            form_message(dispatcher, status_text(reply.body))
        elif reply.status == 429 and reply.body.get("detail"):
            form_message(dispatcher, str(reply.body["detail"]))  # too many tries: the app says why
        elif reply.status in (404, 422):
            dispatcher.utter_message(
                response="utter_status_not_found", hotline=api.settings.hotline
            )
        else:
            dispatcher.utter_message(response="utter_status_failed", hotline=api.settings.hotline)
        return reset


class ActionCancelStatusLookup(Action):
    """Stop the status lookup."""

    def name(self) -> str:
        return "action_cancel_status_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_status_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [
            SlotSet(s, None) for s in STATUS_SLOTS
        ]


def last_ticket_text(ticket: str) -> str:
    """What a family asking 「提交成功没有」 reads about the case filed in this conversation."""
    return (
        f"提交成功了：您在这次对话里提交的投诉工单号是 {ticket}，热线工作人员会核实后转交办理。"
        f"想查进度，发「查询投诉 {ticket}」，再输入查询码或手机号后 4 位。"
    )


class ActionReportLastTicket(Action):
    """「提交成功没有」: the ticket filed in this conversation (slot set at filing), or that none was filed."""

    def name(self) -> str:
        return "action_report_last_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ticket = tracker.get_slot("complaint_ticket")
        if tracker.get_slot("complaint_cancelled"):
            dispatcher.utter_message(response="utter_complaint_was_cancelled")
        elif ticket:
            form_message(dispatcher, last_ticket_text(str(ticket)), kind="answer")
        elif tracker.get_slot("complaint_key") and tracker.get_slot("complaint_text"):
            dispatcher.utter_message(response="utter_complaint_not_filed_yet")
        else:
            dispatcher.utter_message(response="utter_complaint_nothing_pending")
        return []
