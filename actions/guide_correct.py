"""「改一下」 in or after a guide: inside a form ask what to change; after one, apply it and send the result again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable
from actions.guide_common import GUIDE_FORMS, utter_unavailable
from actions.leave_calculator import recompute_leave
from actions.operator_guide import recompute_checklist


class ActionCorrectGuide(Action):
    """「改一下」: inside a form ask what to change; after a guide, apply the new answer and send the result again."""

    def name(self) -> str:
        return "action_correct_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        active = (tracker.active_loop or {}).get("name")
        guide = tracker.get_slot("guide_last")
        if active in GUIDE_FORMS or guide not in ("operator", "leave"):
            dispatcher.utter_message(response="utter_correct_what")
            return []
        client = AppClient()
        try:
            if guide == "operator":
                return await recompute_checklist(client, dispatcher, tracker)
            return await recompute_leave(client, dispatcher, tracker)
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
