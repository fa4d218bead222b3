"""Crafted inputs are refused with 422 at the schema on SQLite and PostgreSQL, never a 500 or a stored row."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

FIVE_MB = 5 * 1024 * 1024


@pytest.fixture
def client(make_client: Any) -> TestClient:
    """The internal complaints and triage routers (service token) with the app's error handlers."""
    from api.complaints.routes import internal_router as complaints
    from api.errors import install_error_handlers
    from api.triage.routes import internal_router as triage

    c = make_client(complaints, triage)
    install_error_handlers(c.app)  # type: ignore[arg-type]
    return c


def _raw(client: TestClient, path: str, body: str, headers: dict[str, str]) -> Any:
    """POST a hand-written JSON text (json.dumps cannot write a lone surrogate escape itself)."""
    return client.post(
        path, content=body.encode(), headers={**headers, "Content-Type": "application/json"}
    )


def _count(db_session) -> int:  # type: ignore[no-untyped-def]
    from api.complaints.models import Complaint

    db_session.expire_all()
    return int(db_session.scalar(select(func.count()).select_from(Complaint)) or 0)


def _filing(**extra: Any) -> dict[str, Any]:
    return {"text": "托育点的滑梯断了一截，孩子差点摔下来", "channel": "web", **extra}


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "\\ud800 幼儿园收费不退"}',
        '{"text": "园长不退钱 \\udfff"}',
        '{"text": "收费不退\\u0000"}',
    ],
    ids=["lone-high-surrogate", "lone-low-surrogate", "nul"],
)
def test_triage_text_with_a_lone_surrogate_or_nul_is_422(client, auth_headers, body) -> None:
    r = _raw(client, "/api/triage", body, auth_headers)
    assert r.status_code == 422, r.text
    assert "非法字符" in r.json()["detail"] or r.json()["detail"]


def test_triage_text_with_a_valid_pair_is_fine(client, auth_headers) -> None:
    r = _raw(client, "/api/triage", '{"text": "园长不退钱 \\ud83d\\ude21"}', auth_headers)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "triage",
    [
        "不是对象",
        ["区市场监管局"],
        {"departments": "区市场监管局"},
        {"departments": [{"name": {"nested": {"deeper": [1, 2, 3]}}}]},
        {"departments": [{"name": "区市场监管局", "role": ["lead"]}]},
        {"facts": [1, 2, 3]},
        {"pii": [{"type": "phone", "span": [1, "x"]}]},
        {"pii": [{"type": "phone", "span": [1, 2, 3]}]},
        {"urgency": 5},
        {"something_else": {"a": 1}},
    ],
    ids=lambda v: json.dumps(v, ensure_ascii=True)[:40],
)
def test_malformed_triage_values_are_422(client, auth_headers, db_session, triage) -> None:
    r = client.post("/api/complaints", json=_filing(triage=triage), headers=auth_headers)
    assert r.status_code == 422, r.text
    assert _count(db_session) == 0


@pytest.mark.parametrize(
    "triage",
    [
        {"category": "收费\u0000退费"},
        {"departments": [{"name": "区市场监管局\u0000", "role": "lead"}]},
        {"facts": {"place": "仁和镇\u0000"}},
        {"urgency_signals": ["摔伤", "\u0000"]},
    ],
)
def test_nul_anywhere_in_triage_is_422(client, auth_headers, db_session, triage) -> None:
    r = client.post("/api/complaints", json=_filing(triage=triage), headers=auth_headers)
    assert r.status_code == 422, r.text
    assert _count(db_session) == 0


@pytest.mark.parametrize(
    "raw",
    [
        '"conversation": [{"role": "user", "text": "你好\\u0000"}]',
        '"conversation": [{"role": "user", "text": "你好", "kind": "\\u0000"}]',
        '"conversation": [{"role": "user", "text": "你好\\ud800"}]',
        '"triage": {"category": "\\udc00"}',
        '"conversation": [{"role": "user", "text": {"x": 1}}]',
        '"conversation": [{"role": "hacker", "text": "hi"}]',
        '"conversation": [{"role": "user", "text": "hi", "extra": {"a": [1]}}]',
        '"conversation": "纯文本"',
    ],
)
def test_bad_conversation_or_triage_text_is_422(client, auth_headers, db_session, raw) -> None:
    body = '{"text": "托育点午睡没人看", "channel": "web", "kind": "handoff", ' + raw + "}"
    r = _raw(client, "/api/complaints", body, auth_headers)
    assert r.status_code == 422, r.text
    assert _count(db_session) == 0


def test_lone_surrogate_in_the_complaint_text_is_422(client, auth_headers, db_session) -> None:
    r = _raw(client, "/api/complaints", '{"text": "投诉\\ud800", "channel": "web"}', auth_headers)
    assert r.status_code == 422
    assert _count(db_session) == 0


@pytest.mark.parametrize(
    "triage",
    [
        {"category": "x" * FIVE_MB},
        {"urgency_signals": ["急"] * (FIVE_MB // 8)},
        {"departments": [{"name": "区市场监管局", "basis": "条" * FIVE_MB}]},
    ],
    ids=["long-string", "long-list", "long-nested-string"],
)
def test_a_five_megabyte_triage_is_refused(client, auth_headers, db_session, triage) -> None:
    r = client.post("/api/complaints", json=_filing(triage=triage), headers=auth_headers)
    assert r.status_code in (413, 422), r.status_code
    assert _count(db_session) == 0


def _given(value: Any) -> Any:
    """A JSON value without its null fields (/api/triage leaves them out, the stored copy keeps them)."""
    if isinstance(value, dict):
        return {k: _given(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_given(v) for v in value]
    return value


def test_a_full_triage_result_is_refused_and_the_app_triages_itself(
    client, auth_headers, db_session
) -> None:
    text = "托育园收了半年学费，孩子没去几天就说不退了，我叫陈晓，电话13912345678"
    triage = client.post("/api/triage", json={"text": text}, headers=auth_headers).json()
    sent = client.post(
        "/api/complaints", json=_filing(text=text, triage=triage), headers=auth_headers
    )
    assert sent.status_code == 422
    r = client.post("/api/complaints", json=_filing(text=text), headers=auth_headers)
    assert r.status_code == 201, r.text
    record = client.get(f"/api/complaints/{r.json()['ticket']}", headers=auth_headers).json()
    assert _given(record["triage"]) == triage  # the app's own triage of the same text


def test_conversation_round_trips(client, auth_headers) -> None:
    convo = [
        {"role": "user", "text": "能转人工吗"},
        {"role": "bot", "text": "好的，请留言", "kind": "handoff"},
    ]
    body = _filing(kind="handoff", conversation=convo)
    r = client.post("/api/complaints", json=body, headers=auth_headers)
    assert r.status_code == 201
    record = client.get(f"/api/complaints/{r.json()['ticket']}", headers=auth_headers).json()
    assert record["conversation"] == convo
