"""One contract between actions and app: one client (one kept session, /api/internal only), one payload helper,
no import circle among the action modules."""

from __future__ import annotations

import ast

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import app_client
from actions.app_client import AppClient, AppUnavailable
from actions.complaint_api import ComplaintApi
from actions.payload import custom, relay, send, send_unavailable
from tests.actions.conftest import ROOT

ACTIONS = ROOT / "actions"


async def test_calls_reuse_one_session(app_env: str) -> None:
    client = AppClient()
    await client.post("/api/internal/answer", {"text": "产假多少天"})
    first = app_client._KEPT.session
    await AppClient().post("/api/internal/answer", {"text": "陪产假几天"})
    assert first is not None and app_client._KEPT.session is first and not first.closed
    await app_client.close_session()
    assert first.closed and app_client._KEPT.session is None


async def test_only_internal_paths_are_called(app_env: str) -> None:
    with pytest.raises(ValueError, match="/api/internal/"):
        await AppClient().call("/api/complaints", {"text": "x"})


async def test_a_refusal_is_kept_by_call_and_raised_by_post(app_env: str) -> None:
    reply = await AppClient().call(
        "/api/internal/complaints/lookup", {"ticket": "TY20200101-0001", "verifier": "123456"}
    )
    assert reply.status == 404 and not reply.ok
    with pytest.raises(AppUnavailable, match="404"):
        await AppClient().post(
            "/api/internal/complaints/lookup",
            {"ticket": "TY20200101-0001", "verifier": "123456"},
        )


async def test_the_service_token_is_sent(app_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (await AppClient().call("/api/internal/answer", {"text": "产假"})).status == 200
    monkeypatch.setenv("SERVICE_TOKEN", "not-the-token-0123456789")
    assert (await AppClient().call("/api/internal/answer", {"text": "产假"})).status in (401, 403)


async def test_app_down_raises_after_the_retries(app_down_env: str) -> None:
    with pytest.raises(AppUnavailable):
        await AppClient().post("/api/internal/answer", {"text": "产假多少天"})


async def test_complaint_calls_file_and_look_up_under_internal(app_env: str) -> None:
    api = ComplaintApi()
    triage = await api.triage("托育园老师打孩子，孩子脸上有红印")
    assert triage and triage["urgency"]
    filed = await api.file(
        {"text": "托管班收了钱不退，园长电话不接", "channel": "web", "kind": "complaint"},
        idempotency_key="contract-test-1",
    )
    assert filed.status == 201 and filed.body["ticket"].startswith("TY")
    again = await api.file(
        {"text": "托管班收了钱不退，园长电话不接", "channel": "web", "kind": "complaint"},
        idempotency_key="contract-test-1",
    )
    assert again.status == 200 and again.body["ticket"] == filed.body["ticket"]
    found = await api.lookup(ticket=filed.body["ticket"], verifier=filed.body["pin"])
    assert found.status == 200 and found.body["state"]


def test_custom_payload_has_one_shape() -> None:
    assert custom("form", "1/5 问题") == {
        "kind": "form",
        "text": "1/5 问题",
        "buttons": [],
        "sources": [],
    }
    dispatcher = CollectingDispatcher()
    send(dispatcher, "clarify", "没太明白", buttons=[{"title": "产假", "payload": "产假几天"}])
    relay(dispatcher, {"text": "答案", "sources": [{"doc": "d", "section": "s", "quote": "q"}]})
    relay(dispatcher, {"kind": "out_of_scope", "text": "不在范围"}, kind="answer")
    kinds = [m["custom"]["kind"] for m in dispatcher.messages]
    assert kinds == ["clarify", "answer", "out_of_scope"]
    assert dispatcher.messages[1]["custom"]["sources"][0]["doc"] == "d"


def test_unavailable_gives_the_hotline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE", "12399")
    dispatcher = CollectingDispatcher()
    send_unavailable(dispatcher)
    message = dispatcher.messages[0]["custom"]
    assert message["kind"] == "error" and "12399" in message["text"]


def _modules() -> dict[str, ast.Module]:
    return {
        f"actions.{p.stem}": ast.parse(p.read_text(encoding="utf-8"))
        for p in ACTIONS.glob("*.py")
        if p.stem != "__init__"
    }


def _imports(tree: ast.Module) -> set[str]:
    """Every actions.* module imported anywhere in the file (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("actions"):
            if node.module == "actions":
                found |= {f"actions.{a.name}" for a in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("actions.")}
    return found


def test_no_import_circle_among_action_modules() -> None:
    graph = {name: _imports(tree) for name, tree in _modules().items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " → ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_no_action_builds_the_payload_or_calls_outside_internal_by_hand() -> None:
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "json_message":
                assert name == "actions.payload", f"{name} builds a custom payload by hand"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.startswith("/api/") and not text.startswith("/api/internal/"):
                    raise AssertionError(f"{name} calls {text} outside /api/internal")
    assert "aiohttp" not in (ACTIONS / "complaint_api.py").read_text(encoding="utf-8")
