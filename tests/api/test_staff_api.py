"""Staff case API per role: visibility (no oracle), contact masking and audit, intake, overrides, reports."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.api.staff_fixtures import accounts, bearer, client, file_case, set_state  # noqa: F401

FEE = "小太阳托育园交了三个月学费 孩子没去几天 园长说不退 电话13812345678 气死了"
LEAD = ["区市场监管局", "区教育和体育局"]


def _events(db_session, ticket: str) -> list[str]:  # type: ignore[no-untyped-def]
    from api.complaints.models import Complaint, ComplaintEvent

    db_session.expire_all()
    return list(
        db_session.scalars(
            select(ComplaintEvent.action)
            .join(Complaint)
            .where(Complaint.ticket == ticket)
            .order_by(ComplaintEvent.id)
        )
    )


def test_department_cannot_see_other_departments_cases(
    client, bearer, file_case, set_state
) -> None:
    ticket = file_case(FEE, phone="13812345678")
    set_state(ticket, "已派单", LEAD)
    other = bearer("weijian01")
    missing = client.get("/api/staff/cases/TY20991231-9999", headers=other)
    theirs = client.get(f"/api/staff/cases/{ticket}", headers=other)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()  # same answer: no oracle
    act = client.post(
        f"/api/staff/cases/{ticket}/actions", json={"action": "accept"}, headers=other
    )
    assert act.status_code == 404
    note = client.post(
        f"/api/staff/cases/{ticket}/actions", json={"action": "note", "note": "看看"}, headers=other
    )
    assert note.status_code == 404
    assert client.get("/api/staff/cases", headers=other).json()["total"] == 0
    assert client.get("/api/staff/cases", headers=bearer("scjg01")).json()["total"] == 1


def test_department_does_not_see_undispatched_cases(client, bearer, file_case) -> None:
    ticket = file_case(FEE)
    assert client.get(f"/api/staff/cases/{ticket}", headers=bearer("scjg01")).status_code == 404


def test_department_sees_contact_masked_and_cannot_reveal(
    client, bearer, file_case, set_state, db_session
) -> None:
    ticket = file_case(FEE, phone="13812345678")
    set_state(ticket, "已派单", LEAD)
    detail = client.get(f"/api/staff/cases/{ticket}", headers=bearer("scjg01")).json()
    assert detail["contact"] == {"phone": "138****5678", "masked": True}
    assert "13812345678" not in json.dumps(detail, ensure_ascii=False)
    r = client.post(f"/api/staff/cases/{ticket}/contact", headers=bearer("scjg01"))
    assert r.status_code == 403
    assert "contact_viewed" not in _events(db_session, ticket)


def test_hotline_contact_reads_are_audited(client, bearer, file_case, db_session) -> None:
    ticket = file_case(FEE, phone="13812345678")
    detail = client.get(f"/api/staff/cases/{ticket}", headers=bearer("rexian01")).json()
    assert detail["contact"] == {"phone": "138****5678", "masked": True}
    r = client.post(f"/api/staff/cases/{ticket}/contact", headers=bearer("rexian01"))
    assert r.json() == {"phone": "13812345678"}
    from api.complaints.models import Complaint, ComplaintEvent

    db_session.expire_all()
    rows = db_session.execute(
        select(ComplaintEvent.action, ComplaintEvent.actor)
        .join(Complaint)
        .where(Complaint.ticket == ticket, ComplaintEvent.action.like("contact%"))
    ).all()
    assert rows == [("contact_revealed", "staff:rexian01")]


def test_phone_intake_attaches_triage(client, bearer) -> None:
    r = client.post(
        "/api/staff/cases",
        headers=bearer("rexian01"),
        json={"text": "家长来电：阳光托育中心收费不退，还不给收据", "phone": "138-1234-5678"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["channel"] == "phone" and body["state"] == "待派单"
    assert body["triage"]["departments"][0]["reason"] and body["triage"]["departments"][0]["basis"]
    assert body["lead_department"] == body["triage"]["departments"][0]["name"]
    assert len(body["pin"]) == 6 and body["contact"]["phone"] == "138****5678"
    assert (
        client.post(
            "/api/staff/cases", headers=bearer("scjg01"), json={"text": "随便写写"}
        ).status_code
        == 403
    )


def test_assign_override_is_recorded_and_exported(client, bearer, file_case) -> None:
    ticket = file_case(FEE, phone="13812345678")
    hotline = bearer("rexian01")
    before = client.get(f"/api/staff/cases/{ticket}", headers=hotline).json()
    suggested = before["departments"]
    chosen = ["区教育和体育局", "区市场监管局"]
    assert chosen != suggested
    r = client.post(
        f"/api/staff/cases/{ticket}/actions",
        headers=hotline,
        json={"action": "assign", "departments": chosen},
    )
    assert r.status_code == 200 and r.json()["lead_department"] == "区教育和体育局"
    override = next(e for e in r.json()["events"] if e["action"] == "triage_override")
    # a new lead moves the category to one that department leads; the override records both
    category = {"suggested": before["category"], "chosen": r.json()["category"]}
    assert category["chosen"] != category["suggested"]
    assert json.loads(override["note"]) == {
        "suggested": suggested,
        "chosen": chosen,
        "category": category,
    }
    lines = client.get("/api/staff/triage-overrides.jsonl", headers=hotline).text.splitlines()
    record = json.loads(lines[0])
    assert record["ticket"] == ticket and record["chosen"] == chosen
    assert "13812345678" not in record["text"]
    assert (
        client.get("/api/staff/triage-overrides.jsonl", headers=bearer("scjg01")).status_code == 403
    )


def test_assign_without_departments_accepts_the_suggestion(client, bearer, file_case) -> None:
    ticket = file_case(FEE)
    r = client.post(
        f"/api/staff/cases/{ticket}/actions", headers=bearer("rexian01"), json={"action": "assign"}
    ).json()
    assert r["state"] == "已派单" and not [
        e for e in r["events"] if e["action"] == "triage_override"
    ]
    bad = client.post(
        f"/api/staff/cases/{ticket}/actions",
        headers=bearer("rexian01"),
        json={"action": "note", "note": "x", "departments": ["火星局"]},
    )
    assert bad.status_code == 200  # departments only matter for assign


def test_unknown_department_refused_on_assign(client, bearer, file_case) -> None:
    ticket = file_case(FEE)
    r = client.post(
        f"/api/staff/cases/{ticket}/actions",
        headers=bearer("rexian01"),
        json={"action": "assign", "departments": ["火星局"]},
    )
    assert r.status_code == 422 and "火星局" in r.json()["detail"]


def test_full_lifecycle_with_extension_follow_up_and_stats(client, bearer, file_case) -> None:
    ticket = file_case(FEE, phone="13812345678")
    hotline, dept = bearer("rexian01"), bearer("scjg01")
    url = f"/api/staff/cases/{ticket}/actions"

    def step(headers, **body):  # type: ignore[no-untyped-def]
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    step(hotline, action="assign", departments=LEAD)
    step(dept, action="accept")
    before = step(dept, action="start")["due_at"]
    step(dept, action="request_extension", extension_days=2, note="要去现场核实 人手不够")
    after = step(hotline, action="approve_extension")
    assert after["state"] == "办理中" and after["due_at"] > before
    step(dept, action="resolve", result="已约谈园方，剩余学费已退还")
    closed = step(hotline, action="follow_up", satisfaction=4, note="家长说还行")
    assert closed["state"] == "已回访" and closed["satisfaction"] == 4
    assert (
        closed["sla"] == "none"
        and closed["due_at"] is None
        and closed["allowed_actions"] == [{"action": "note", "label": "添加备注"}]
    )
    stats = client.get("/api/staff/stats", headers=hotline).json()
    assert stats["by_state"] == {"已回访": 1} and stats["by_department"] == {"区市场监管局": 1}
    assert (
        stats["median_hours_to_accept"] is not None and stats["median_hours_to_resolve"] is not None
    )
    from zoneinfo import ZoneInfo

    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    assert stats["by_month"] == {month: 1}
    empty = client.get("/api/staff/stats?since=2000-01-01&until=2000-12-31", headers=hotline).json()
    assert empty["by_state"] == {} and empty["median_hours_to_accept"] is None


def test_repeats_are_linked_by_normalised_institution(client, bearer, file_case) -> None:
    now = datetime.now(UTC)
    a = file_case(
        "陽光托育中心 收費不退 😤", institution="陽光 托育中心", created_at=now - timedelta(days=3)
    )
    b = file_case("阳光托育园又涨价了", institution="阳光托育园", created_at=now)
    c = file_case(
        "阳光幼儿园老早以前的事", institution="阳光幼儿园", created_at=now - timedelta(days=60)
    )
    file_case("别的园的事", institution="星星托育园", created_at=now)
    hotline = bearer("rexian01")
    detail = client.get(f"/api/staff/cases/{b}", headers=hotline).json()
    assert [r["ticket"] for r in detail["repeats"]] == [a]
    items = {
        i["ticket"]: i["repeat_count"]
        for i in client.get("/api/staff/cases", headers=hotline).json()["items"]
    }
    assert items[a] == 1 and items[b] == 1 and items[c] == 0


def test_repeats_by_place_and_category(client, bearer, file_case) -> None:
    fee = {"category": "收费/退费", "departments": [{"name": "区市场监管局", "role": "lead"}]}
    food = {"category": "食品安全", "departments": [{"name": "区市场监管局", "role": "lead"}]}
    a = file_case("托育点收费不退 交了钱不退", place="仁和镇 大河中路", triage=fee)
    b = file_case("收了学费不给退", place="仁和鎮大河中路", triage=fee)
    c = file_case("饭菜馊了", place="仁和镇大河中路", triage=food)
    hotline = bearer("rexian01")
    detail = client.get(f"/api/staff/cases/{b}", headers=hotline).json()
    assert [r["ticket"] for r in detail["repeats"]] == [a]
    assert client.get(f"/api/staff/cases/{c}", headers=hotline).json()["repeats"] == []


def test_queue_filters_overdue_and_handoffs(client, bearer, file_case) -> None:
    old = file_case("上个月反映的问题一直没人管", created_at=datetime.now(UTC) - timedelta(days=30))
    handoff = file_case("想找人工问问补贴的事", kind="handoff")
    hotline = bearer("rexian01")
    overdue = client.get("/api/staff/overdue", headers=hotline).json()
    assert [i["ticket"] for i in overdue["items"]] == [old] and overdue["items"][0]["sla"] == "red"
    listed = client.get("/api/staff/cases?overdue=true", headers=hotline).json()
    assert listed == overdue
    kinds = client.get("/api/staff/cases?kind=handoff", headers=hotline).json()
    assert [i["ticket"] for i in kinds["items"]] == [handoff]
    search = client.get("/api/staff/cases", params={"q": "补贴"}, headers=hotline).json()
    assert search["total"] == 1
    page = client.get("/api/staff/cases?page=2&page_size=1", headers=hotline).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["ticket"] == old
    item = page["items"][0]
    assert set(item) == {
        "ticket",
        "kind",
        "state",
        "urgency",
        "category",
        "lead_department",
        "departments",
        "institution",
        "place",
        "excerpt",
        "created_at",
        "due_at",
        "due_provisional",
        "sla",
        "repeat_count",
        "reason_kind",
        "reason",
        "urge_count",
        "reopen_count",
    }


def test_csv_export_contact_column_by_role(
    client, bearer, file_case, set_state, db_session
) -> None:
    ticket = file_case('=HYPERLINK("x") 托育园收费乱', phone="13812345678")
    set_state(ticket, "已派单", LEAD)
    r = client.get("/api/staff/export.csv", headers=bearer("rexian01"))
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "联系电话" and rows[1][-1] == "\t13812345678"  # text, keeps a leading 0
    assert rows[1][-2].startswith("'=")  # formula defused
    assert "contact_exported" in _events(db_session, ticket)
    dept = client.get("/api/staff/export.csv", headers=bearer("scjg01"))
    dept_rows = list(csv.reader(io.StringIO(dept.content.decode("utf-8-sig"))))
    assert "联系电话" not in dept_rows[0] and "13812345678" not in dept.text


def test_departments_list(client, bearer) -> None:
    names = client.get("/api/staff/departments", headers=bearer("scjg01")).json()
    assert names[0] == "区卫生健康局" and "乡镇（街道）" in names and len(names) == 16
    assert client.get("/api/staff/departments").status_code == 401
