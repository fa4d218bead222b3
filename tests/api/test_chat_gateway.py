"""How Rasa's REST output becomes the public chat contract (pure function, no network)."""

from __future__ import annotations

from api.chat.payload import to_response


def test_custom_payload_with_sources_becomes_one_cited_message() -> None:
    raw = [
        {
            "recipient_id": "u",
            "custom": {
                "kind": "answer",
                "text": "20 天",
                "sources": [{"doc": "128号", "section": "三", "quote": "护理假20天"}],
            },
        }
    ]
    response = to_response(raw)
    assert response.kind == "answer"
    assert response.messages[0].text == "20 天"
    assert response.messages[0].sources[0].quote == "护理假20天"


def test_kind_only_payload_annotates_text_message() -> None:
    raw = [
        {
            "recipient_id": "u",
            "text": "您好",
            "buttons": [{"title": "陪产假", "payload": "陪产假几天"}],
        },
        {"recipient_id": "u", "custom": {"kind": "smalltalk"}},
    ]
    response = to_response(raw)
    assert response.kind == "smalltalk"
    assert len(response.messages) == 1
    assert response.messages[0].buttons[0].payload == "陪产假几天"


def test_error_and_handoff_dominate_the_turn() -> None:
    raw = [
        {"custom": {"kind": "handoff", "text": "已转人工"}},
        {"custom": {"kind": "form", "text": "请留言"}},
    ]
    assert to_response(raw).kind == "handoff"
    raw = [{"custom": {"kind": "answer", "text": "a"}}, {"custom": {"kind": "error", "text": "b"}}]
    assert to_response(raw).kind == "error"


def test_unknown_kind_is_ignored_and_plain_text_defaults_to_smalltalk() -> None:
    response = to_response([{"text": "hi"}, {"custom": {"kind": "bogus"}}])
    assert response.kind == "smalltalk"
    assert [m.text for m in response.messages] == ["hi"]
