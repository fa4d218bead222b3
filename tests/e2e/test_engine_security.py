"""The running stack: Rasa's HTTP API needs its token, internal routes only on the internal listener, and
conversations survive an engine restart on the embedded default (SQL tracker store on SQLite)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.stack import ROOT, SERVICE_TOKEN, Stack

pytestmark = pytest.mark.e2e

OPENING = "想投诉 彩虹桥托育园说好的午餐标准一直没做到 上个月还涨了餐费"


def _texts(body: dict) -> str:
    return "\n".join(m["text"] for m in body["messages"])


def test_rasa_http_api_refuses_calls_without_the_token(stack: Stack) -> None:
    sender = f"sec-{uuid.uuid4().hex[:10]}"
    assert stack.chat(sender, "你好").status_code == 200  # the REST channel (via the app) works
    tracker = f"{stack.rasa_url}/conversations/{sender}/tracker"
    for params in ({}, {"token": "wrong-token-0123456789"}):
        assert httpx.get(tracker, params=params, timeout=10).status_code == 401
        assert httpx.get(f"{stack.rasa_url}/status", params=params, timeout=10).status_code == 401
        replaced = httpx.put(
            f"{stack.rasa_url}/model",
            params=params,
            json={"model_file": "/tmp/evil.tar.gz"},
            timeout=10,
        )
        assert replaced.status_code == 401
        events = httpx.post(f"{tracker}/events", params=params, json=[], timeout=10)
        assert events.status_code == 401
    allowed = httpx.get(tracker, params={"token": stack.rasa_token}, timeout=10)
    assert allowed.status_code == 200 and allowed.json()["sender_id"] == sender


def test_health_reaches_the_engine_with_the_token(stack: Stack) -> None:
    assert httpx.get(f"{stack.url}/api/health", timeout=10).json()["engine"] == "ok"


def test_procfile_engine_takes_the_token_and_stays_on_loopback() -> None:
    engine = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("engine:")
    )
    assert '--auth-token "$T"' in engine and "RASA_TOKEN" in engine and "var/secrets.env" in engine
    assert "-i 127.0.0.1" in engine


def test_internal_routes_answer_only_on_the_internal_listener(stack: Stack) -> None:
    token = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    body = {"text": "产假多少天"}
    public = httpx.post(f"{stack.url}/api/internal/answer", json=body, headers=token, timeout=30)
    assert public.status_code == 404
    filing = {"text": "托育园乱收费 想投诉", "channel": "web"}
    assert (
        httpx.post(
            f"{stack.url}/api/complaints", json=filing, headers=token, timeout=30
        ).status_code
        == 404
    )
    internal = httpx.post(
        f"{stack.internal_url}/api/internal/answer", json=body, headers=token, timeout=30
    )
    assert internal.status_code == 200
    paths = httpx.get(f"{stack.url}/openapi.json", timeout=10).json()["paths"]
    assert not [p for p in paths if p.startswith("/api/internal")]


def test_default_endpoints_keep_conversations_in_sqlite_under_var() -> None:
    config = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text(encoding="utf-8"))
    store = config["tracker_store"]
    # Rasa's SQL store (its subclass keeps recent trackers in memory after writing them through)
    assert store["type"] == "bot.tracker_store.KeptSQLTrackerStore" and store["dialect"] == "sqlite"
    assert Path(store["db"]).parts[0] == "var"
    source = (ROOT / "bot" / "tracker_store.py").read_text(encoding="utf-8")
    assert "class KeptSQLTrackerStore(SQLTrackerStore)" in source


def _tracker(stack: Stack, sender: str) -> dict:
    return httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token},
        timeout=10,
    ).json()


ANSWERS = {"complaint_place": "大田镇", "complaint_institution": "彩虹桥托育园"}


def test_a_half_filled_complaint_form_continues_after_an_engine_restart(stack: Stack) -> None:
    sender = f"restart-{uuid.uuid4().hex[:10]}"
    first = stack.chat(sender, OPENING).json()
    assert first["kind"] == "form", first
    before = _tracker(stack, sender)
    asked = before["slots"]["requested_slot"]
    assert before["active_loop"].get("name") and asked in ANSWERS, before["slots"]

    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        (stored,) = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = ?", (sender,)
        ).fetchone()
    assert stored > 0  # the conversation is on disk, not only in the engine's memory

    stack.stop("engine")
    stack.start("engine")
    stack.wait_ready(240)

    after = _tracker(stack, sender)  # a fresh engine process read the conversation back
    assert after["active_loop"] == before["active_loop"]
    assert after["slots"]["requested_slot"] == asked
    assert after["slots"]["complaint_text"] == before["slots"]["complaint_text"]

    follow = stack.chat(sender, ANSWERS[asked]).json()
    assert follow["kind"] == "form", follow  # the form goes on with its next question
    now = _tracker(stack, sender)["slots"]
    assert now[asked] and now["requested_slot"] not in (None, asked)
