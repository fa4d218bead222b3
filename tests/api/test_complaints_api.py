"""HTTP behaviour of /api/complaints on SQLite and PostgreSQL: filing, idempotency, auth, validation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintEvent
from api.complaints.routes import internal_router, router
from api.complaints.schemas import ComplaintCreate
from api.complaints.service import file_complaint
from api.complaints.triage_link import run_triage

TICKET = re.compile(r"^TY\d{8}-\d{4}$")


@pytest.fixture
def client(make_client: Any) -> TestClient:
    """Bare app with the complaints routers: public lookup and the internal filing/read."""
    return make_client(router, internal_router)


def _body(**extra: Any) -> dict[str, Any]:
    """A plausible WeChat complaint."""
    body = {
        "text": "隔壁小区那家托育园收了3个月学费 突然关门了 电话也打不通。。。钱咋个退嘛",
        "institution": "小太阳托育",
        "place": "仁和区大河中路附近",
        "when": "上个礼拜五",
        "phone": "138 8123 4567",
        "channel": "wechat",
        "sender_id": "wx-openid-abc",
    }
    body.update(extra)
    return body


def _count(session: Session) -> int:
    """Rows in complaints, read fresh."""
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Complaint)) or 0


def test_create_returns_ticket_pin_and_promise(client, auth_headers, db_session) -> None:
    r = client.post("/api/complaints", json=_body(), headers=auth_headers)
    assert r.status_code == 201, r.text
    data = r.json()
    assert TICKET.match(data["ticket"])
    assert re.fullmatch(r"\d{6}", data["pin"])
    assert data["state"] == "待派单"
    assert data["kind"] == "complaint"
    assert re.fullmatch(r"\d+ (个工作日|小时)内答复", data["expected_reply"])
    assert data["created_at"].endswith(("Z", "+00:00"))
    row = db_session.scalars(select(Complaint)).one()
    assert row.ticket == data["ticket"]
    assert row.phone == "13881234567"
    assert row.verifier_pin_hash != data["pin"] and data["pin"] not in row.verifier_pin_hash
    assert row.when_text == "上个礼拜五"
    assert row.confidential is True
    assert row.created_at.tzinfo is not None
    assert [(e.action, e.from_state, e.to_state) for e in row.events] == [("filed", None, "待派单")]


def test_a_client_triage_is_refused_the_app_triages_itself(client, auth_headers) -> None:
    forged = {"category": "收费/退费", "departments": [{"name": "区税务局", "role": "lead"}]}
    r = client.post("/api/complaints", json=_body(triage=forged), headers=auth_headers)
    assert r.status_code == 422
    body = _body(text="托育园的老师拿衣架抽孩子，孩子背上一道道红印")
    data = client.post("/api/complaints", json=body, headers=auth_headers).json()
    assert data["lead_department"] == "市公安局仁和区分局"
    record = client.get(f"/api/complaints/{data['ticket']}", headers=auth_headers).json()
    assert record["category"] == "治安/虐童/安全防范"
    assert record["departments"][0] == "市公安局仁和区分局"


def test_an_in_process_triage_sets_routing_fields_and_urgent_promise(db_session) -> None:
    triage = {
        "category": "收费/退费",
        "urgency": "urgent",
        "departments": [
            {"name": "区卫生健康局", "role": "协办", "reason": "备案", "basis": "四、（二）"},
            {"name": "区市场监管局", "role": "lead", "reason": "收费", "basis": "四、（二）"},
        ],
    }
    payload = ComplaintCreate(**_body())
    row = file_complaint(session=db_session, payload=payload, triage=triage).complaint
    assert row.lead_department == "区市场监管局"
    assert row.urgency == "urgent"
    assert row.departments == ["区卫生健康局", "区市场监管局"]
    assert row.category == "收费/退费"
    assert row.triage == triage


def test_the_stored_triage_is_the_apps_own(client, auth_headers) -> None:
    body = _body(text="想问下托育补贴咋申请 顺便投诉下园长态度差")
    data = client.post("/api/complaints", json=body, headers=auth_headers).json()
    record = client.get(f"/api/complaints/{data['ticket']}", headers=auth_headers).json()
    assert record["triage"] == run_triage(text=body["text"])


def test_handoff_keeps_conversation(client, auth_headers, db_session) -> None:
    convo = [
        {"role": "user", "text": "育儿假能休几天啊"},
        {"role": "bot", "text": "…", "kind": "clarify"},
        {"role": "user", "text": "我想找人工 🙏"},
    ]
    body = _body(kind="handoff", conversation=convo, phone=None, text="用户要求人工回复")
    r = client.post("/api/complaints", json=body, headers=auth_headers)
    assert r.status_code == 201
    row = db_session.scalars(select(Complaint)).one()
    assert row.kind == "handoff"
    assert row.conversation == convo
    assert row.phone is None


def test_idempotent_retry_returns_same_ticket_once(client, auth_headers, db_session) -> None:
    headers = {**auth_headers, "Idempotency-Key": "act-7f1c2e"}
    first = client.post("/api/complaints", json=_body(), headers=headers)
    second = client.post("/api/complaints", json=_body(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["ticket"] == second.json()["ticket"]
    assert first.json()["pin"] and second.json()["pin"] is None
    assert _count(db_session) == 1
    assert db_session.scalar(select(func.count()).select_from(ComplaintEvent)) == 1


def test_idempotency_key_reused_with_other_body_is_409(client, auth_headers, db_session) -> None:
    headers = {**auth_headers, "Idempotency-Key": "act-dup"}
    assert client.post("/api/complaints", json=_body(), headers=headers).status_code == 201
    other = client.post("/api/complaints", json=_body(text="另外一件事"), headers=headers)
    assert other.status_code == 409
    assert _count(db_session) == 1


def test_no_key_means_two_cases(client, auth_headers, db_session) -> None:
    a = client.post("/api/complaints", json=_body(), headers=auth_headers).json()
    b = client.post("/api/complaints", json=_body(), headers=auth_headers).json()
    assert a["ticket"] != b["ticket"]
    assert _count(db_session) == 2


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ({"Authorization": "Bearer not-the-token-at-all"}, 403),
    ],
)
def test_auth_required_to_file(client, db_session, headers, status) -> None:
    r = client.post("/api/complaints", json=_body(), headers=headers)
    assert r.status_code == status
    if status == 401:
        assert r.headers["www-authenticate"] == "Bearer"
    assert _count(db_session) == 0


def test_auth_required_to_read(client, auth_headers) -> None:
    ticket = client.post("/api/complaints", json=_body(), headers=auth_headers).json()["ticket"]
    assert client.get(f"/api/complaints/{ticket}").status_code == 401
    bad = {"Authorization": "Bearer wrong-token-123"}
    assert client.get(f"/api/complaints/{ticket}", headers=bad).status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"text": ""},
        {"text": "   \n\t "},
        {"text": "投" * 5001},
        {"phone": "12345"},
        {"phone": "1381234567"},
        {"phone": "23881234567"},
        {"phone": "138-8123-456a"},
        {"channel": "email"},
        {"kind": "praise"},
        {"conversation": "not a list"},
        {"unexpected": "field"},
        {"text": "有个\x00字符"},
    ],
)
def test_validation_errors_are_422(client, auth_headers, db_session, change) -> None:
    r = client.post("/api/complaints", json=_body(**change), headers=auth_headers)
    assert r.status_code == 422, r.text
    assert _count(db_session) == 0


def test_missing_text_and_malformed_json_are_422(client, auth_headers, db_session) -> None:
    body = _body()
    del body["text"]
    assert client.post("/api/complaints", json=body, headers=auth_headers).status_code == 422
    raw = {**auth_headers, "Content-Type": "application/json"}
    broken = '{"text": "托育园乱收费", "channel": "web"'.encode()
    assert client.post("/api/complaints", content=broken, headers=raw).status_code == 422
    assert _count(db_session) == 0


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("+86 139-1234-5678", "13912345678"),
        ("0812-3331234", "08123331234"),
        ("（0812）3331234", "08123331234"),
        ("3331234", "3331234"),
        ("", None),
    ],
)
def test_phone_formats_are_normalised(client, auth_headers, db_session, phone, stored) -> None:
    assert (
        client.post("/api/complaints", json=_body(phone=phone), headers=auth_headers).status_code
        == 201
    )
    assert db_session.scalars(select(Complaint)).one().phone == stored


def test_max_length_text_accepted(client, auth_headers, db_session) -> None:
    text = "托育" * 2500
    assert (
        client.post("/api/complaints", json=_body(text=text), headers=auth_headers).status_code
        == 201
    )
    assert db_session.scalars(select(Complaint)).one().text == text


@pytest.mark.parametrize(
    "text",
    [
        "  幼兒園老師好兇😡😭 寶寶回家一直哭!!! 這樣正常嗎？？ teacher態度真的bad  ",
        "🙏🏻👶🏼 托育费一个月2800¥ 太贵了吧\n还不开发票\t（气死）",
        "'); DROP TABLE complaints; -- 机构乱收费\" OR 1=1 --",
        "Robert'); DELETE FROM complaint_events WHERE ('1'='1 \\x00 %s %(x)s :param ?",
    ],
)
def test_text_stored_exactly(client, auth_headers, settings, text) -> None:
    r = client.post("/api/complaints", json=_body(text=text), headers=auth_headers)
    assert r.status_code == 201
    record = client.get(f"/api/complaints/{r.json()['ticket']}", headers=auth_headers).json()
    assert record["text"] == text
    from api.db import make_engine

    fresh = make_engine(settings.database_url)
    try:
        with Session(fresh) as session:
            assert session.scalars(select(Complaint.text)).all() == [text]
            assert session.scalar(select(func.count()).select_from(ComplaintEvent)) == 1
    finally:
        fresh.dispose()


def test_record_masks_phone_until_revealed_and_audits(client, auth_headers) -> None:
    ticket = client.post("/api/complaints", json=_body(), headers=auth_headers).json()["ticket"]
    masked = client.get(f"/api/complaints/{ticket}", headers=auth_headers).json()
    assert masked["phone"] == "138****4567"
    assert [e["action"] for e in masked["events"]] == ["filed"]
    # a forged X-Actor header is ignored: the audit names whoever the credential is
    revealed = client.get(
        f"/api/complaints/{ticket}?reveal=1", headers={**auth_headers, "X-Actor": "staff:admin"}
    ).json()
    assert revealed["phone"] == "13881234567"
    again = client.get(f"/api/complaints/{ticket}", headers=auth_headers).json()
    assert again["phone"] == "138****4567"
    audit = [e for e in again["events"] if e["action"] == "phone_revealed"]
    assert len(audit) == 1 and audit[0]["actor"] == "service:actions"
    assert all(e["actor"] == "service:actions" for e in again["events"])
    assert again["state"] == "待派单"


def test_read_unknown_ticket_is_404(client, auth_headers) -> None:
    assert client.get("/api/complaints/TY20260101-0001", headers=auth_headers).status_code == 404
    assert client.get("/api/complaints/garbage", headers=auth_headers).status_code == 404


def test_logs_carry_no_phone_or_text(client, auth_headers, caplog) -> None:
    caplog.set_level("DEBUG")
    text = "我家宝宝在园里摔伤了 老师瞒着不说 电话13881234567"
    r = client.post("/api/complaints", json=_body(text=text), headers=auth_headers)
    ticket = r.json()["ticket"]
    client.get(f"/api/complaints/{ticket}?reveal=1", headers=auth_headers)
    assert ticket in caplog.text
    assert "13881234567" not in caplog.text
    assert "4567" not in caplog.text.replace(ticket, "")
    assert "摔伤" not in caplog.text
