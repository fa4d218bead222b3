"""Clarification and hand-off: ask between close intents, pass to a person after repeated misses or on request.

While a conversation is handed off (slot handoff_active), every message reaches action_handoff_paused: the
first one after the offer is stored as a 留言 for the staff queue (POST /api/complaints, kind handoff, with
the conversation so far); later ones get one short notice each. 「继续问机器人」 or staff (POST
/api/internal/handoff/{sender_id}/release, which clears the slot in the engine) end the pause.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import nlu_payload
from actions.app_client import AppClient, AppUnavailable
from actions.guide_common import latest_intent, latest_text, utter_unavailable

MISSED = {"clarify", "out_of_scope"}
CONVERSATION_LIMIT = 40


def bot_kind(event: dict[str, Any]) -> str | None:
    """The kind a bot message carried (custom payload), if any."""
    custom = (event.get("data") or {}).get("custom")
    return custom.get("kind") if isinstance(custom, dict) else None


def misunderstood_in_row(events: list[dict[str, Any]]) -> int:
    """How many turns before the current message ended with a clarify/out_of_scope reply and no answer."""
    turns: list[list[str | None]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        elif event.get("event") == "bot" and turns:
            turns[-1].append(bot_kind(event))
    count = 0
    for kinds in reversed(turns[:-1]):
        shown = [k for k in kinds if k]
        if shown and set(shown) <= MISSED:
            count += 1
        else:
            break
    return count


def conversation(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The conversation so far as [{role, text}] for staff (last messages only)."""
    lines: list[dict[str, str]] = []
    for event in events:
        if event.get("event") == "user" and event.get("text"):
            lines.append({"role": "user", "text": str(event["text"])})
        elif event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom")
            text = event.get("text") or (custom.get("text") if isinstance(custom, dict) else None)
            if text:
                lines.append({"role": "bot", "text": str(text)})
    return lines[-CONVERSATION_LIMIT:]


def channel_of(tracker: Tracker) -> str:
    """web or wechat, from the metadata the gateway sends with each message."""
    channel = ((tracker.latest_message or {}).get("metadata") or {}).get("channel")
    return channel if channel in ("web", "wechat") else "web"


def handoff_events(tracker: Tracker) -> list[EventType]:
    """Pause the bot, wait for a 留言, leave any active form."""
    events: list[EventType] = [
        SlotSet("handoff_active", True),
        SlotSet("handoff_stage", "await_message"),
        SlotSet("misunderstandings", 0),
    ]
    if (tracker.active_loop or {}).get("name"):
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return events


async def offer_handoff(
    client: AppClient, dispatcher: CollectingDispatcher, tracker: Tracker, reason: str
) -> list[EventType]:
    """Send the app's hand-off offer (hotline + 留言) and pause."""
    offer = await client.post(
        "/api/internal/handoff", {"sender_id": tracker.sender_id, "reason": reason}
    )
    dispatcher.utter_message(
        json_message={
            "kind": "handoff",
            "text": offer["text"],
            "buttons": offer.get("buttons") or [],
        }
    )
    return handoff_events(tracker)


class ActionHandoff(Action):
    """「转人工」: give the hotline, offer to take a message for staff, then stay quiet."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        client = AppClient()
        try:
            return await offer_handoff(client, dispatcher, tracker, "asked")
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []


class ActionHandoffPaused(Action):
    """Every message while handed off: take the 留言 once, resume on 「继续问机器人」, else one short notice."""

    def name(self) -> str:
        return "action_handoff_paused"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        if not tracker.get_slot("handoff_active"):
            dispatcher.utter_message(response="utter_continue_bot")
            return []
        if intent == "continue_bot":
            dispatcher.utter_message(response="utter_handoff_resumed")
            return [
                SlotSet("handoff_active", False),
                SlotSet("handoff_stage", None),
                SlotSet("misunderstandings", 0),
            ]
        if tracker.get_slot("handoff_stage") != "await_message" or intent == "human_handoff":
            dispatcher.utter_message(response="utter_handoff_waiting")
            return []
        if intent in ("deny", "stop"):
            dispatcher.utter_message(response="utter_handoff_no_message")
            return [SlotSet("handoff_stage", "waiting")]
        return await self._file(dispatcher, tracker)

    async def _file(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Store the message as a hand-off case for the staff queue."""
        client = AppClient()
        events = tracker.events or []
        stamp = next((e.get("timestamp") for e in reversed(events) if e.get("event") == "user"), "")
        body: dict[str, Any] = {
            "text": latest_text(tracker)[:5000],
            "kind": "handoff",
            "channel": channel_of(tracker),
            "sender_id": tracker.sender_id,
            "conversation": conversation(events),
        }
        phone = next(
            (
                e.get("value")
                for e in (tracker.latest_message or {}).get("entities") or []
                if e.get("entity") == "phone"
            ),
            None,
        )
        try:
            filed = await client.post(
                "/api/complaints",
                {**body, **({"phone": phone} if phone else {})},
                headers={"Idempotency-Key": f"handoff:{tracker.sender_id}:{stamp}"},
            )
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
        dispatcher.utter_message(
            response="utter_handoff_saved",
            ticket=filed.get("ticket", ""),
            pin=filed.get("pin") or "（已发过）",
        )
        return [SlotSet("handoff_stage", "waiting")]


class ActionClarifyIntent(Action):
    """An unclear or out-of-scope message: ask between close intents, answer, or hand off after two misses."""

    def name(self) -> str:
        return "action_clarify_intent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        client = AppClient()
        before = misunderstood_in_row(tracker.events or [])
        payload = nlu_payload(tracker)
        try:
            decision = await client.post(
                "/api/internal/clarify", {**payload, "misunderstood_before": before}
            )
            if decision["kind"] == "handoff":
                dispatcher.utter_message(
                    json_message={
                        "kind": "handoff",
                        "text": decision["text"],
                        "buttons": decision.get("buttons") or [],
                    }
                )
                return handoff_events(tracker)
            if decision["kind"] == "clarify":
                dispatcher.utter_message(
                    json_message={
                        "kind": "clarify",
                        "text": decision["text"],
                        "buttons": decision.get("buttons") or [],
                    }
                )
                return [SlotSet("misunderstandings", before + 1)]
            answer = await client.post("/api/internal/answer", payload)
            kind = answer.get("kind", "answer")
            if kind == "handoff" or (
                kind in MISSED and before + 1 >= int(decision.get("handoff_after", 2))
            ):
                return await offer_handoff(
                    client, dispatcher, tracker, "asked" if kind == "handoff" else "misunderstood"
                )
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
        dispatcher.utter_message(
            json_message={
                "kind": kind,
                "text": answer.get("text", ""),
                "sources": answer.get("sources") or [],
                "buttons": answer.get("buttons") or [],
            }
        )
        events: list[EventType] = [
            SlotSet("misunderstandings", before + 1 if kind in MISSED else 0)
        ]
        if answer.get("topic"):
            events.append(SlotSet("topic", answer["topic"]))
        return events
