"""The emergency layer in front of the engine: advice first on every channel, even with the engine down."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from tests.api.test_wechat_fakes import (  # noqa: F401 - fixtures
    Harness,
    engine_server_fixture,
    fake_engine_fixture,
    new_openid,
    post_plain,
    reply_content,
    text_xml,
    wechat_fixture,
)

DANGER = "我家宝宝刚把遥控器里的纽扣电池吞下去了 现在一直在哭"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def engine_down(settings_override: Callable[..., Settings]) -> Iterator[TestClient]:
    """The real public app; Rasa and the action server point at ports nobody listens on."""
    port = _closed_port()
    settings_override(rasa_url=f"http://127.0.0.1:{port}", action_url=f"http://127.0.0.1:{port}")
    with TestClient(create_app()) as client:
        yield client


def test_emergency_is_advised_when_the_engine_is_down(engine_down: TestClient) -> None:
    response = engine_down.post("/api/chat", json={"sender_id": "s-down-1", "text": DANGER})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["emergency"] == "medical" and body["call"][0] == "120"
    first = body["messages"][0]
    assert first["urgent"] is True and first["text"].startswith("请立即拨打 120")


def test_a_plain_question_with_the_engine_down_is_not_advised_as_an_emergency(
    engine_down: TestClient,
) -> None:
    response = engine_down.post(
        "/api/chat", json={"sender_id": "s-down-2", "text": "托班收几岁的娃"}
    )
    assert "120" not in response.text and "110" not in response.text


Start = Callable[..., Harness]


def test_wechat_emergency_gets_the_number_first_without_the_engine(wechat: Start) -> None:
    h = wechat(rasa_url=f"http://127.0.0.1:{_closed_port()}")
    content = reply_content(
        post_plain(h.client, text_xml(new_openid(), "快来人 托育园后厨着火了 烟好大"))
    )
    assert content.lstrip().startswith("请立即拨打 119")


def test_wechat_emergency_outside_a_flow_does_not_pass_the_engine_answer(wechat: Start) -> None:
    """The fake engine answers every message; after an emergency only the advice is shown."""
    h = wechat()
    content = reply_content(post_plain(h.client, text_xml(new_openid(), DANGER)))
    assert "120" in content
    assert "收到：" not in content
