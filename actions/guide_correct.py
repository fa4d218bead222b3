"""「改一下」 in or after a guide: inside a form clear the field named (the app says which); after one, apply it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable
from actions.guide_common import GUIDE_FORMS, utter_unavailable
from actions.leave_calculator import recompute_leave
from actions.operator_guide import recompute_checklist
from actions.payload import latest_intent, latest_text, relay

FORM_FIELDS = {
    "leave_calculator_form": (
        "leave",
        ("leave_event", "leave_date", "leave_delivery", "leave_babies", "leave_months"),
    ),
    "operator_guide_form": (
        "operator",
        ("op_nature", "op_premises", "op_location", "op_services", "op_ages"),
    ),
}


async def clear_named_field(
    client: AppClient, dispatcher: CollectingDispatcher, tracker: Tracker, active: str
) -> list[EventType]:
    """Inside a form: the app names the field (「预产期写错了」); it is cleared and the form asks it again."""
    form, slots = FORM_FIELDS[active]
    filled = [s for s in slots if tracker.get_slot(s) is not None]
    reply = await client.post(
        "/api/internal/form/correct", {"form": form, "text": latest_text(tracker), "filled": filled}
    )
    relay(dispatcher, reply, kind="form")
    field = reply.get("field")
    return [SlotSet(field, None)] if field in slots else []


class ActionCorrectGuide(Action):
    """「改一下」: inside a form clear the field named; after a guide, apply the new answer and send the result again."""

    def name(self) -> str:
        return "action_correct_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        active = (tracker.active_loop or {}).get("name")
        guide = tracker.get_slot("guide_last")
        client = AppClient()
        if active in GUIDE_FORMS:
            try:
                return await clear_named_field(client, dispatcher, tracker, active)
            except AppUnavailable:
                utter_unavailable(dispatcher, client)
                return []
        if guide not in ("operator", "leave"):
            dispatcher.utter_message(response="utter_correct_what")
            return []
        try:
            if guide == "operator":
                return await recompute_checklist(client, dispatcher, tracker)
            followed = latest_intent(tracker) != "correct"
            return await recompute_leave(client, dispatcher, tracker, or_answer=followed)
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
