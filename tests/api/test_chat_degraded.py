"""Never a dead chat: with the engine down the knowledge base answers, health says so, and the engine takes over again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.engine import Watch
from api.main import create_app
from tests.api.test_wechat_fakes import (  # noqa: F401 - fixtures
    FakeEngine,
    Harness,
    engine_server_fixture,
    fake_engine_fixture,
    free_port,
    new_openid,
    post_plain,
    reply_content,
    serve,
    text_xml,
    wechat_fixture,
)

POLICY = "孩子爸爸的护理假一共可以请几天"
COMPLAINT = "我要投诉小区楼下那家托育机构乱收费"


@pytest.fixture
def down(settings_override: Callable[..., Settings]) -> Iterator[tuple[TestClient, int]]:
    """The real public app; Rasa and the action server on a port nobody listens on (yet)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings_override(rasa_url=url, action_url=url, engine_probe_s=0)
    with TestClient(create_app()) as client:
        yield client, port


def _chat(client: TestClient, text: str, sender: str = "deg-1") -> dict:
    response = client.post("/api/chat", json={"sender_id": sender, "text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_policy_question_is_answered_from_the_knowledge_base_with_sources(
    down: tuple[TestClient, int],
) -> None:
    body = _chat(down[0], POLICY)
    assert body["kind"] == "answer"
    first, note = body["messages"]
    assert "20" in first["text"] and first["sources"]
    assert all(s["doc"] and s["quote"] for s in first["sources"])
    assert "12345" in note["text"] and "投诉" in note["text"]


def test_a_button_payload_is_answered_by_its_intent(down: tuple[TestClient, int]) -> None:
    body = _chat(down[0], "/ask_paternity_leave")
    assert body["kind"] == "answer" and body["messages"][0]["sources"]


def test_filing_a_complaint_is_refused_politely_with_the_hotline(
    down: tuple[TestClient, int],
) -> None:
    body = _chat(down[0], COMPLAINT)
    assert body["kind"] == "handoff"
    text = " ".join(m["text"] for m in body["messages"])
    assert "暂时无法" in text and "12345" in text
    assert "工单" not in text and "编号" not in text  # nothing pretends to be filed


def test_a_form_button_gets_only_the_note(down: tuple[TestClient, int]) -> None:
    body = _chat(down[0], "/leave_message")
    assert body["kind"] == "handoff" and "12345" in body["messages"][0]["text"]


def test_health_says_degraded_and_why(down: tuple[TestClient, int]) -> None:
    body = down[0].get("/api/health").json()
    assert body["status"] == "degraded"
    assert body["engine"] == "down" and body["chat"] == "knowledge_base_only"
    assert any("knowledge base" in why for why in body["why"])


def test_the_engine_takes_over_again_without_a_restart(down: tuple[TestClient, int]) -> None:
    client, port = down
    assert _chat(client, "陪产假几天", "deg-back")["messages"][-1]["text"].startswith("提示")
    fake = FakeEngine()
    fake.reset()
    _, stop = serve(fake.app(), port)
    try:
        body = _chat(client, "陪产假几天", "deg-back")
        assert fake.called_with("陪产假几天") == 1
        assert [m["text"] for m in body["messages"]] == [
            "男方护理假 20 天，视为出勤，工资福利待遇不变。"
        ]
        health = client.get("/api/health").json()
        assert health["status"] == "ok" and health["chat"] == "engine"
    finally:
        stop()
    # and down again mid-conversation: that very turn is answered from the knowledge base
    body = _chat(client, POLICY, "deg-back")
    assert body["kind"] == "answer" and body["messages"][0]["sources"]
    assert client.get("/api/health").json()["chat"] == "knowledge_base_only"


def test_wechat_answers_from_the_knowledge_base_while_the_engine_is_down(
    wechat: Callable[..., Harness],
) -> None:
    h = wechat(rasa_url=f"http://127.0.0.1:{free_port()}", engine_probe_s=0)
    content = reply_content(post_plain(h.client, text_xml(new_openid(), POLICY)))
    assert "20" in content and "12345" in content


def test_the_watch_probes_at_most_once_per_interval_and_once_per_burst() -> None:
    now = [100.0]
    calls: list[float] = []
    verdict = [False]

    async def probe() -> bool:
        calls.append(now[0])
        await asyncio.sleep(0)
        return verdict[0]

    async def scenario() -> None:
        watch = Watch(probe, every_s=3.0, clock=lambda: now[0])
        assert await watch.usable() and calls == []  # up: no probe per message
        watch.observe(False, reason="engine (Rasa) not answering")
        assert watch.mode == "knowledge_base_only"
        assert not await watch.usable() and calls == []  # within the interval: no probe
        now[0] += 3.0
        results = await asyncio.gather(*(watch.usable() for _ in range(5)))
        assert results == [False] * 5 and len(calls) == 1  # one probe for the burst
        verdict[0] = True
        now[0] += 3.0
        assert await watch.usable() and watch.mode == "engine" and len(calls) == 2

    asyncio.run(scenario())
