"""Never a dead chat, on the real stack: the engine process stops, the knowledge base answers, the engine is back."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e
QUESTION = "生了孩子以后当妈的产假总共多少天"
NOTE = "正在启动或维护"


def _texts(body: dict) -> str:
    return "\n".join(m["text"] for m in body["messages"])


def test_engine_stopped_then_started_again(stack: Stack) -> None:
    sender = f"deg-{uuid.uuid4().hex[:8]}"
    stack.stop("engine")
    try:
        response = stack.chat(sender, QUESTION)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["kind"] == "answer" and body["messages"][0]["sources"]
        assert NOTE in body["messages"][-1]["text"] and "12345" in body["messages"][-1]["text"]
        complaint = stack.chat(sender, "我要投诉托育园老师对孩子态度很差").json()
        assert "暂时无法" in _texts(complaint) and "12345" in _texts(complaint)
        health = httpx.get(f"{stack.url}/api/health", timeout=10).json()
        assert health["status"] == "degraded" and health["chat"] == "knowledge_base_only"
    finally:
        stack.start("engine")
        stack.wait_ready(300)
    # the same app process, no restart: the engine answers again, forms included
    body = stack.chat(sender, QUESTION).json()
    assert body["kind"] == "answer" and NOTE not in _texts(body)
    assert httpx.get(f"{stack.url}/api/health", timeout=10).json()["chat"] == "engine"
