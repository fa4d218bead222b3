"""Clarification and hand-off: ask between close intents, offer a person after repeated misses or on request.

Hand-off happens only on purpose. 「转人工」 or a second misunderstanding in a row gets an *offer* (hotline,
「我要留言」, 「不用留言」) and nothing else changes: the next message is answered as usual. Only when the
family chooses to leave a message (the button or clear words: intent leave_message) is the conversation
paused (slot handoff_active) and their next message stored as a 留言 for the staff queue (kind handoff,
with the conversation so far). While paused every message reaches action_handoff_paused; 「继续问机器人」
or 「不用留言」 resumes at any point, and so does staff (POST /api/internal/handoff/{sender_id}/release).
Emergency advice is given by the app's safety layer before the engine, paused or not.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_client import AppClient, AppUnavailable
from actions.complaint_api import ComplaintApi
from actions.guide_common import utter_unavailable
from actions.payload import (
    channel_of,
    latest_entity,
    latest_intent,
    latest_text,
    nlu_request,
    relay,
)

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


def offered_events(tracker: Tracker | None = None) -> list[EventType]:
    """The offer pauses nothing; asked for inside a form (「转人工」 there), the form is left as well."""
    events: list[EventType] = [SlotSet("handoff_stage", "offered"), SlotSet("misunderstandings", 0)]
    if tracker is not None and (tracker.active_loop or {}).get("name"):
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return events


def pause_events(tracker: Tracker) -> list[EventType]:
    """The family chose to leave a message: pause the bot, wait for it, leave any active form."""
    events: list[EventType] = [
        SlotSet("handoff_active", True),
        SlotSet("handoff_stage", "await_message"),
        SlotSet("misunderstandings", 0),
    ]
    if (tracker.active_loop or {}).get("name"):
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return events


def resume_events() -> list[EventType]:
    """Back to the bot."""
    return [
        SlotSet("handoff_active", False),
        SlotSet("handoff_stage", None),
        SlotSet("misunderstandings", 0),
    ]


async def offer_handoff(
    client: AppClient, dispatcher: CollectingDispatcher, tracker: Tracker, reason: str
) -> list[EventType]:
    """Send the app's hand-off offer (hotline, 我要留言, 不用留言); nothing pauses."""
    offer = await client.post(
        "/api/internal/handoff", {"sender_id": tracker.sender_id, "reason": reason}
    )
    relay(dispatcher, offer, kind="handoff")
    return offered_events(tracker if reason == "asked" else None)


async def file_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """Store the latest message as a hand-off case for the staff queue (None: it could not be stored)."""
    api = ComplaintApi()
    events = tracker.events or []
    stamp = next((e.get("timestamp") for e in reversed(events) if e.get("event") == "user"), "")
    body: dict[str, Any] = {
        "text": latest_text(tracker)[:5000],
        "kind": "handoff",
        "channel": channel_of(tracker),
        "sender_id": tracker.sender_id,
        "conversation": conversation(events),
    }
    phone = latest_entity(tracker, "phone")
    try:
        reply = await api.file(
            {**body, **({"phone": phone} if phone else {})},
            idempotency_key=f"handoff:{tracker.sender_id}:{stamp}",
        )
    except AppUnavailable:
        reply = None
    if reply is None or not reply.ok or not reply.body.get("ticket"):
        utter_unavailable(dispatcher)
        return None
    filed = reply.body
    dispatcher.utter_message(
        response="utter_handoff_saved",
        ticket=filed.get("ticket", ""),
        pin=filed.get("pin") or "（已发过）",
    )
    return [SlotSet("handoff_stage", "waiting")]


def just_offered(tracker: Tracker) -> bool:
    """The bot's reply to the previous message was the hand-off offer."""
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                return False
        elif event.get("event") == "bot" and users == 1:
            return bot_kind(event) == "handoff"
    return False


async def take_message_now(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The choice and the 留言 in one message (「留言：…」, a call-back asked for with a number): the bot
    pauses and the message is filed at once. None when this message is not one (or was not stored)."""
    try:
        read = await AppClient().post(
            "/api/internal/handoff/read",
            {"text": latest_text(tracker), "intent": latest_intent(tracker)},
        )
    except AppUnavailable:
        return None
    if not read.get("message"):
        return None
    filed = await file_handoff(dispatcher, tracker)
    if filed is None:
        return []
    return [SlotSet("handoff_active", True), SlotSet("misunderstandings", 0), *filed]


async def filed_after_offer(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """Right after the hand-off offer, a message for staff is filed, not answered (None: go on as usual)."""
    return await take_message_now(dispatcher, tracker) if just_offered(tracker) else None


class ActionHandoff(Action):
    """「转人工」: give the hotline and offer to take a message for staff; the conversation goes on."""

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


class ActionLeaveMessage(Action):
    """「我要留言」 (button or words): pause the bot and take the next message for staff."""

    def name(self) -> str:
        return "action_leave_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        taken = await take_message_now(dispatcher, tracker)
        if taken is not None:
            return taken
        dispatcher.utter_message(response="utter_handoff_ask_message")
        return pause_events(tracker)


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
            return [SlotSet("handoff_stage", None)] if tracker.get_slot("handoff_stage") else []
        stage = tracker.get_slot("handoff_stage")
        if intent == "continue_bot" or (stage == "await_message" and intent in ("deny", "stop")):
            dispatcher.utter_message(response="utter_handoff_resumed")
            return resume_events()
        if stage != "await_message":
            dispatcher.utter_message(response="utter_handoff_waiting")
            return []
        if intent in ("human_handoff", "leave_message"):
            dispatcher.utter_message(response="utter_handoff_ask_message")
            return []
        return await file_handoff(dispatcher, tracker) or []


class ActionClarifyIntent(Action):
    """An unclear, wordless or out-of-scope message: not understood / clarify / answer; a person offered
    after two misses in a row."""

    def name(self) -> str:
        return "action_clarify_intent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        taken = await filed_after_offer(dispatcher, tracker)
        if taken is not None:
            return taken
        client = AppClient()
        before = misunderstood_in_row(tracker.events or [])
        payload = nlu_request(tracker)
        try:
            decision = await client.post(
                "/api/internal/clarify", {**payload, "misunderstood_before": before}
            )
            if decision["kind"] == "handoff":
                relay(dispatcher, decision)
                return offered_events()
            if decision["kind"] == "clarify":
                relay(dispatcher, decision)
                return [SlotSet("misunderstandings", before + 1)]
            answer = await client.post("/api/internal/answer", payload)
            kind = answer.get("kind", "answer")
            if kind == "handoff":
                return await offer_handoff(client, dispatcher, tracker, "asked")
            relay(dispatcher, answer, kind=kind)
            events: list[EventType] = (
                [SlotSet("topic", answer["topic"])] if answer.get("topic") else []
            )
            if kind in MISSED and before + 1 >= int(decision.get("handoff_after", 2)):
                # the answer (e.g. out of scope) stays; a person is offered after it, nothing pauses
                return events + await offer_handoff(client, dispatcher, tracker, "misunderstood")
        except AppUnavailable:
            utter_unavailable(dispatcher, client)
            return []
        return [*events, SlotSet("misunderstandings", before + 1 if kind in MISSED else 0)]
