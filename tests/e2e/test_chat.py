"""End-to-end chat through /api/chat with Rasa, the action server and the app all running."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.e2e.stack import Stack, free_port

pytestmark = pytest.mark.e2e


def new_sender() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def texts(body: dict) -> str:
    return "\n".join(m["text"] for m in body["messages"])


def test_health_reports_all_three(stack: Stack) -> None:
    body = httpx.get(f"{stack.url}/api/health").json()
    assert body == {"status": "ok", "app": "ok", "engine": "ok", "actions": "ok", "chat": "engine"}


def test_paternity_leave_answer_is_cited(stack: Stack) -> None:
    response = stack.chat(new_sender(), "请问老公那边能请几天陪产假啊")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "answer"
    assert "20" in texts(body)
    sources = [s for m in body["messages"] for s in m.get("sources", [])]
    assert sources and any("128" in s["doc"] for s in sources)
    assert any("护理假" in s["quote"] for s in sources)


def test_out_of_scope_offers_hotline(stack: Stack) -> None:
    body = stack.chat(new_sender(), "明天仁和这边会下雨不").json()
    assert body["kind"] == "out_of_scope"
    assert "12345" in texts(body)


def test_context_carries_over_to_the_father(stack: Stack) -> None:
    sender = new_sender()
    first = stack.chat(sender, "生娃的话女方产假一共有多少天").json()
    assert first["kind"] == "answer" and "188" in texts(first)  # the rule in force today
    follow = stack.chat(sender, "那男方呢？").json()
    assert follow["kind"] == "answer"
    assert "20" in texts(follow)


def test_traditional_characters_are_understood(stack: Stack) -> None:
    body = stack.chat(new_sender(), "男方護理假有幾天？").json()
    assert body["kind"] == "answer" and "20" in texts(body)


def test_greeting_is_smalltalk_with_buttons(stack: Stack) -> None:
    body = stack.chat(new_sender(), "你好").json()
    assert body["kind"] == "smalltalk"
    assert body["messages"][0].get("buttons")


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"sender_id": "a", "text": ""}, "不能为空"),
        ({"sender_id": "a", "text": "   "}, "空白"),
        ({"sender_id": "a", "text": "字" * 1001}, "太长"),
        ({"text": "你好"}, "缺少"),
        ({"sender_id": "x" * 65, "text": "你好"}, "太长"),
    ],
)
def test_invalid_input_is_422_with_a_clear_message(
    stack: Stack, payload: dict, fragment: str
) -> None:
    response = httpx.post(f"{stack.url}/api/chat", json=payload)
    assert response.status_code == 422
    assert fragment in str(response.json()["detail"]) + str(response.json().get("errors"))


def test_malformed_json_is_422(stack: Stack) -> None:
    response = httpx.post(
        f"{stack.url}/api/chat", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "text", ["😀😀😀", "'; DROP TABLE complaints; --", "<script>alert(1)</script>", "产假" * 400]
)
def test_odd_input_gets_an_answer_not_an_error(stack: Stack, text: str) -> None:
    response = stack.chat(new_sender(), text)
    assert response.status_code == 200
    assert response.json()["messages"]


def test_engine_down_answers_from_the_knowledge_base(stack: Stack) -> None:
    """A second app instance pointed at a closed engine port still answers policy questions, cited."""
    port = free_port()
    env = {**stack.env, "APP_PORT": str(port), "RASA_URL": f"http://127.0.0.1:{free_port()}"}
    probe = Stack(stack.workdir, port, 0, stack.action_port, env)
    probe.start("app")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{probe.url}/api/health", timeout=3)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        response = probe.chat(new_sender(), "产假多少天")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["kind"] == "answer" and body["messages"][0]["sources"]
        assert "12345" in body["messages"][-1]["text"]
    finally:
        probe.stop("app")


def test_action_server_down_answers_from_the_knowledge_base_then_recovers(stack: Stack) -> None:
    stack.stop("actions")
    try:
        response = stack.chat(new_sender(), "男方护理假几天")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["kind"] == "answer" and body["messages"][0]["sources"]
        assert "热线" in body["messages"][-1]["text"]
    finally:
        stack.start("actions")
        stack.wait_ready(60)
    body = stack.chat(new_sender(), "男方护理假几天").json()
    assert body["kind"] == "answer" and "正在启动或维护" not in texts(body)


def test_several_questions_get_one_cited_message_each(stack: Stack) -> None:
    body = stack.chat(new_sender(), "护理假几天？育儿假每年几天？").json()
    assert body["kind"] == "answer"
    cited = [m for m in body["messages"] if m.get("sources")]
    assert len(cited) >= 2


def test_overview_question_lists_the_departments_with_the_checklist_button(stack: Stack) -> None:
    body = stack.chat(new_sender(), "打算开家托育园，要跑哪些部门").json()
    text = texts(body)
    # the NLU may read it as the start of the operator guide: its checklist follows the questions
    if body["kind"] == "form":
        assert "开办清单" in text
        return
    assert "区市场监管局" in text and "区住建局" in text
    buttons = [b for m in body["messages"] for b in (m.get("buttons") or [])]
    assert any(
        b["payload"] == "/start_operator_guide" or "开办清单" in b["payload"] for b in buttons
    )
