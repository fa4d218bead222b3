"""ActionAnswerPolicy relays the app's cited answer, and tells the truth when the app is down."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted

from actions.answer import ActionAnswerPolicy, ActionUnexpectedTurn
from actions.payload import nlu_request


def test_payload_carries_intent_entities_and_topic(make_tracker) -> None:
    tracker = make_tracker(
        "陪产假几天",
        "ask_paternity_leave",
        entities=[{"entity": "leave_type", "value": "护理假"}],
        slots={"topic": "x"},
    )
    payload = nlu_request(tracker)
    assert payload["intent"] == "ask_paternity_leave"
    assert payload["entities"] == [{"entity": "leave_type", "value": "护理假"}]
    assert payload["context"] == {"topic": "x"}


@pytest.mark.asyncio
async def test_answer_has_text_sources_and_sets_topic(app_env, dispatcher, make_tracker) -> None:
    tracker = make_tracker("男方陪产假有几天", "ask_paternity_leave")
    events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
    custom = dispatcher.messages[0]["custom"]
    assert custom["kind"] == "answer"
    assert "30" in custom["text"] and "20" in custom["text"]  # today's rule, then the earlier one
    assert custom["sources"] and "2025" in custom["sources"][0]["doc"]
    assert any("128" in s["doc"] for s in custom["sources"])  # the plan, cited after the newer rule
    assert any(
        isinstance(e, dict) and e.get("name") == "topic" and e.get("value") for e in events
    ) or any(isinstance(e, SlotSet) for e in events)


@pytest.mark.asyncio
async def test_follow_up_uses_the_previous_topic(app_env, dispatcher, make_tracker) -> None:
    first = CollectingDispatcherFactory()
    events = await ActionAnswerPolicy().run(
        first, make_tracker("女方生育假多少天", "ask_maternity_leave"), {}
    )
    topic = next(e["value"] for e in events if e.get("name") == "topic")
    await ActionAnswerPolicy().run(
        dispatcher,
        make_tracker("那男方呢", "ask_paternity_leave", confidence=0.5, slots={"topic": topic}),
        {},
    )
    assert "20" in dispatcher.messages[0]["custom"]["text"]


@pytest.mark.asyncio
async def test_app_down_is_honest_and_offers_hotline(monkeypatch, dispatcher, make_tracker) -> None:
    monkeypatch.setenv("APP_INTERNAL_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ACTION_APP_RETRIES", "0")
    await ActionAnswerPolicy().run(dispatcher, make_tracker("产假几天", "ask_maternity_leave"), {})
    custom = dispatcher.messages[0]["custom"]
    assert custom["kind"] == "error"
    assert "12345" in custom["text"]


def _followups(events: list[dict]) -> list[dict]:
    """The FollowupAction events an action returned."""
    return [e for e in events if e.get("event") == "followup"]


def CollectingDispatcherFactory():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


@pytest.mark.asyncio
async def test_unexpected_turn_is_answered_then_taken_out_of_the_history(
    app_env, dispatcher, make_tracker
) -> None:
    events = await ActionUnexpectedTurn().run(
        dispatcher, make_tracker("男方陪产假有几天", "ask_paternity_leave"), {}
    )
    assert dispatcher.messages[0]["custom"]["kind"] == "answer"
    assert events[0] == UserUtteranceReverted()
    assert any(e.get("event") == "slot" and e.get("name") == "topic" for e in events[1:])
    assert not _followups(events)  # a core fallback leaves the next step to the policies


def _after_offer(text: str, intent: str) -> Tracker:
    """A tracker whose previous bot reply was the hand-off offer."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [],
    }
    events = [
        {"event": "user", "text": "转人工", "timestamp": 1.0},
        {"event": "bot", "text": None, "data": {"custom": {"kind": "handoff", "text": "…"}}},
        {"event": "user", "text": text, "timestamp": 2.0},
    ]
    slots = {"handoff_stage": "offered"}
    return Tracker("offer-user", slots, latest, events, False, None, {}, "action_listen")


@pytest.mark.asyncio
async def test_a_message_for_staff_right_after_the_offer_is_filed(app_env, dispatcher) -> None:
    text = "留言：托育补贴今年的申领进度想请人帮忙核实 短信回复13900002222"
    events = await ActionAnswerPolicy().run(
        dispatcher, _after_offer(text, "ask_childcare_subsidy"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_handoff_saved"
    assert dispatcher.messages[0]["ticket"].startswith("TY")
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["handoff_active"] is True and slots["handoff_stage"] == "waiting"


@pytest.mark.asyncio
async def test_a_question_right_after_the_offer_is_answered(app_env, dispatcher) -> None:
    tracker = _after_offer("男方陪产假有几天", "ask_paternity_leave")
    await ActionAnswerPolicy().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"]["kind"] == "answer"


@pytest.mark.asyncio
async def test_an_answer_outside_a_form_ends_the_turn(app_env, dispatcher, make_tracker) -> None:
    events = await ActionAnswerPolicy().run(
        dispatcher, make_tracker("托班一般收多大的孩子", "ask_service_types"), {}
    )
    assert events[-1] == {"event": "followup", "name": "action_listen", "timestamp": None}


@pytest.mark.asyncio
async def test_an_answer_inside_a_form_lets_the_form_go_on(
    app_env, dispatcher, make_tracker
) -> None:
    tracker = make_tracker(
        "插一句 社区托育点归谁管", "ask_community_childcare", active_loop={"name": "complaint_form"}
    )
    events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"]["kind"] == "answer"
    assert not _followups(events)
