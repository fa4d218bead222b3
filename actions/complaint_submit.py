"""Filing the confirmed complaint (idempotent, honest when the app is down) and cancelling it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint_api import ComplaintApi, ComplaintAppDown
from actions.complaint_status import last_ticket_text
from actions.complaints import (
    COMPLAINT_SLOTS,
    complaint_payload,
    form_message,
    given,
    is_urgent,
    payload_digest,
)

logger = logging.getLogger(__name__)


def lead_line(lead: str | None) -> str:
    """Triage's department is a first reading until a person reviewed the case: say so, never as fact."""
    if lead:
        return f"初步判断由{lead}办理，热线工作人员会核实。"
    return "热线工作人员会核实后转交相关部门办理。"


def receipt_text(filed: dict[str, Any], *, phone_left: bool) -> str:
    """Ticket, lead department, reply time and how to look the case up later."""
    lines = [
        "投诉已提交 ✅",
        f"工单号：{filed.get('ticket')}",
        lead_line(filed.get("lead_department")),
        f"答复时限：{filed.get('expected_reply') or '按热线规定时限答复'}",
    ]
    how = "手机号后 4 位" if phone_left else None
    if filed.get("pin"):
        lines.append(f"查询码：{filed['pin']}（只显示这一次，请截图或记下来）")
        ways = "查询码" + (f"或您留的{how}" if how else "")
    else:
        ways = f"您留的{how}" if how else ""
        lines.append("查询码在第一次提交成功时已经生成，这里不再显示。")
    if ways:
        lines.append(f"以后发「查询投诉 {filed.get('ticket')}」，再输入{ways}，就能查进度。")
    lines.append("您的身份信息默认保密。")
    return "\n".join(lines)


class ActionSubmitComplaint(Action):
    """File the confirmed complaint once; tell the truth when the app does not answer."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        confirm = tracker.get_slot("complaint_confirm")
        if confirm == "cancel":
            return await ActionCancelComplaint().run(dispatcher, tracker, domain)
        key = tracker.get_slot("complaint_key")
        if confirm != "yes" or not tracker.get_slot("complaint_text") or not key:
            last = tracker.get_slot("complaint_ticket")
            if last:  # 「提交成功没有」 read as a retry: the case filed in this conversation
                form_message(dispatcher, last_ticket_text(str(last)), kind="answer")
            else:
                dispatcher.utter_message(response="utter_complaint_nothing_pending")
            return []
        payload = complaint_payload(tracker)
        if tracker.get_slot("complaint_shown") not in (None, payload_digest(payload)):
            # never file anything but what the family confirmed: show the summary again
            return [SlotSet("complaint_confirm", None), FollowupAction("complaint_form")]
        api = ComplaintApi()
        try:
            reply = await api.file(payload, idempotency_key=key)
        except ComplaintAppDown:
            reply = None
        if reply is None or reply.status not in (200, 201) or not reply.body.get("ticket"):
            logger.warning("complaint not filed (status %s)", reply.status if reply else "down")
            dispatcher.utter_message(
                response="utter_complaint_submit_failed", hotline=api.settings.hotline
            )
            return []  # slots and key kept: 「重新提交」 sends the same request again
        filed = reply.body
        if is_urgent(filed.get("urgency")) or is_urgent(tracker.get_slot("complaint_urgency")):
            dispatcher.utter_message(response="utter_complaint_urgent")
        phone_left = given(tracker.get_slot("complaint_phone")) is not None
        form_message(dispatcher, receipt_text(filed, phone_left=phone_left), kind="answer")
        return [SlotSet(slot, None) for slot in COMPLAINT_SLOTS] + [
            SlotSet("complaint_ticket", filed["ticket"])
        ]


class ActionCancelComplaint(Action):
    """Stop the complaint: nothing was filed, and nothing of it is kept."""

    def name(self) -> str:
        return "action_cancel_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_complaint_cancelled")
        return (
            [ActiveLoop(None), SlotSet("requested_slot", None)]
            + [SlotSet(slot, None) for slot in COMPLAINT_SLOTS]
            + [SlotSet("complaint_cancelled", True)]  # 「真的没交吗」 is answered from this
        )
