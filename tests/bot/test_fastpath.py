"""bot.fastpath: the kept validator accepts and refuses action server replies exactly as Rasa's check did."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import fastpath

GOOD: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "topic", "value": "parental-leave"}],
        "responses": [{"custom": {"kind": "answer", "text": "育儿假每年10天", "sources": []}}],
    },
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{"text": "好的"}]},
]
BAD: list[dict[str, Any]] = [
    {"events": [{"event": "slot"}], "responses": []},  # a slot event without its name
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["a bare string"]},
    {"events": [{"event": "no_such_event"}], "responses": []},
]


def _rasa_verdict(result: dict[str, Any]) -> str | None:
    """What Rasa's own check (jsonschema.validate on each call) says: None or the error's message."""
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    fastpath.keep_action_reply_validator()
    return RemoteAction("action_answer_policy", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize("result", GOOD)
def test_valid_replies_pass(action: RemoteAction, result: dict[str, Any]) -> None:
    assert _rasa_verdict(result) is None
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_replies_raise_the_same_error(action: RemoteAction, result: dict[str, Any]) -> None:
    expected = _rasa_verdict(result)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as raised:
        action._validate_action_result(result)
    assert raised.value.message.startswith(expected)
    assert "Failed to validate Action server response" in raised.value.message
