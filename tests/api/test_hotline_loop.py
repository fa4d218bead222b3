"""重办, 改派, 撤回, 催办 through the HTTP API; the card's reason and 催办 count; the family's 办理结果."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.staff_fixtures import accounts, bearer, client, file_case, set_state  # noqa: F401

MARKET = "区市场监管局"
EDU = "区教育和体育局"
TRIAGE = {
    "category": "收费/退费",
    "urgency": "normal",
    "departments": [{"name": MARKET, "role": "lead"}],
}
CASE_TEXT = "宝贝之家托育点说好的退费一直拖着不给 打了好几次电话都推脱"


@pytest.fixture
def act(client, bearer):  # type: ignore[no-untyped-def]
    """act(user, ticket, action, expect=200, **fields) → response JSON."""

    def run(user: str, ticket: str, action: str, expect: int = 200, **fields: Any) -> Any:
        r = client.post(
            f"/api/staff/cases/{ticket}/actions",
            json={"action": action, **fields},
            headers=bearer(user),
        )
        assert r.status_code == expect, (action, user, r.text)
        return r.json()

    return run


def _to_resolved(act, ticket: str, result: str = "已约谈园方，剩余学费已按天退还") -> Any:  # type: ignore[no-untyped-def]
    act("rexian01", ticket, "assign", departments=[MARKET])
    act("scjg01", ticket, "accept")
    act("scjg01", ticket, "start")
    return act("scjg01", ticket, "resolve", result=result)


def _lookup(client, ticket: str) -> Any:  # type: ignore[no-untyped-def]
    """The public lookup with the phone's last four digits."""
    r = client.post("/api/complaints/lookup", json={"ticket": ticket, "verifier": "5678"})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def lookup_client(make_client):  # type: ignore[no-untyped-def]
    """A client of the public complaints router (same database)."""
    from api.complaints.routes import router

    return make_client(router)


def test_dissatisfied_follow_up_reopens_and_department_resolves_again(
    client, bearer, act, file_case, lookup_client
) -> None:
    ticket = file_case(CASE_TEXT, phone="13912345678", triage=TRIAGE)
    first = _to_resolved(act, ticket)
    assert first["result"].startswith("已约谈园方") and first["result_at"]
    followed = act("rexian01", ticket, "follow_up", satisfaction=2, note="家长说钱只退了一半")
    assert "reopen" in [a["action"] for a in followed["allowed_actions"]]
    act("scjg01", ticket, "reopen", expect=403, note="部门不能自己重办")
    reopened = act("rexian01", ticket, "reopen", note="家长说只退了一半，要求全额退还")
    assert reopened["state"] == "重办" and reopened["reopen_count"] == 1
    assert (reopened["reason_kind"], reopened["reason"]) == (
        "重办",
        "家长说只退了一半，要求全额退还",
    )
    assert reopened["sla"] == "green" and reopened["due_at"] is not None
    last = reopened["events"][-1]
    assert (last["action"], last["from_state"], last["to_state"]) == ("reopen", "已回访", "重办")
    assert "2/5" in last["note"]
    # the department sees the reopened case with its reason in its queue, and may filter by it
    queue = client.get("/api/staff/cases", params={"reason": "重办"}, headers=bearer("scjg01"))
    assert [(i["ticket"], i["reopen_count"]) for i in queue.json()["items"]] == [(ticket, 1)]
    again = act("scjg01", ticket, "start")
    assert again["state"] == "办理中" and again["reason_kind"] == "重办"
    done = act("scjg01", ticket, "resolve", result="园方已补退剩余 1800 元，家长确认到账")
    assert done["reason_kind"] is None and done["result"].startswith("园方已补退")
    closed = act("rexian01", ticket, "follow_up", satisfaction=5)
    assert closed["state"] == "已回访" and closed["satisfaction"] == 5
    assert "reopen" not in [a["action"] for a in closed["allowed_actions"]]
    act("rexian01", ticket, "reopen", expect=409, note="满意了还想重办")
    assert _lookup(lookup_client, ticket)["result"] == "园方已补退剩余 1800 元，家长确认到账"


def test_reopen_from_resolved_needs_a_dissatisfied_score(act, file_case) -> None:
    ticket = file_case(CASE_TEXT, triage=TRIAGE)
    _to_resolved(act, ticket)
    refused = act("rexian01", ticket, "reopen", expect=422, note="家长不认可")
    assert "满意度" in refused["detail"]
    assert (
        "4/5" in act("rexian01", ticket, "reopen", expect=409, note="x", satisfaction=4)["detail"]
    )
    reopened = act("rexian01", ticket, "reopen", note="家长说园方根本没联系过她", satisfaction=1)
    assert reopened["state"] == "重办" and reopened["satisfaction"] is None
    act("jiaoti01", ticket, "start", expect=404)  # not dispatched to that department
    act("rexian01", ticket, "reopen", expect=409, note="已经在重办了", satisfaction=1)


def test_reassign_moves_the_case_to_another_department(client, bearer, act, file_case) -> None:
    ticket = file_case(CASE_TEXT, triage=TRIAGE)
    act("rexian01", ticket, "assign", departments=[MARKET])
    act("scjg01", ticket, "reassign", expect=403, departments=[EDU], note="不归我们")
    same = act("rexian01", ticket, "reassign", expect=422, departments=[MARKET], note="重派")
    assert "不同的部门" in same["detail"]
    act("rexian01", ticket, "reassign", expect=422, departments=[EDU])  # reason required
    moved = act("rexian01", ticket, "reassign", departments=[EDU], note="属于托育点备案问题")
    assert moved["state"] == "已派单" and moved["lead_department"] == EDU
    assert moved["events"][-1]["note"].startswith("改派至：区教育和体育局")
    act("scjg01", ticket, "accept", expect=404)  # the old department no longer sees it
    assert client.get(f"/api/staff/cases/{ticket}", headers=bearer("scjg01")).status_code == 404
    assert act("jiaoti01", ticket, "accept")["state"] == "已签收"
    act("rexian01", ticket, "reassign", expect=409, departments=[MARKET], note="签收后不能改派")


def test_each_new_action_leaves_an_audit_record(act, file_case, db_session) -> None:
    from sqlalchemy import select

    from api.auth.models import AuditLog

    ticket = file_case(CASE_TEXT, triage=TRIAGE)
    act("rexian01", ticket, "assign", departments=[MARKET])
    act("rexian01", ticket, "urge", note="家长 13912345678 又来电")
    act("rexian01", ticket, "reassign", departments=[EDU], note="职责在教体局")
    act("rexian01", ticket, "recall", note="先收回")
    db_session.expire_all()
    rows = db_session.scalars(select(AuditLog).where(AuditLog.target == ticket)).all()
    assert [(r.action, r.note) for r in rows] == [
        ("case_assign", "待派单→已派单"),
        ("case_urge", "已派单"),
        ("case_reassign", "已派单→已派单"),
        ("case_recall", "已派单→待派单"),
    ]
    assert all(r.actor == "staff:rexian01" for r in rows)


def test_recall_returns_the_case_to_the_hotline(act, file_case) -> None:
    ticket = file_case(CASE_TEXT, triage=TRIAGE)
    act("rexian01", ticket, "recall", expect=409, note="还没派")
    act("rexian01", ticket, "assign", departments=[MARKET])
    act("scjg01", ticket, "recall", expect=403, note="部门不能撤回")
    act("rexian01", ticket, "recall", expect=422)
    back = act("rexian01", ticket, "recall", note="派错了，先收回")
    assert back["state"] == "待派单"
    act("scjg01", ticket, "accept", expect=404)
    assert act("rexian01", ticket, "assign", departments=[EDU])["lead_department"] == EDU


def test_urge_is_counted_shown_to_the_department_and_filterable(
    client, bearer, act, file_case
) -> None:
    ticket = file_case(CASE_TEXT, triage=TRIAGE)
    other = file_case("另一家托育园的事 收费不透明", triage=TRIAGE)
    act("rexian01", ticket, "urge", expect=409)  # not dispatched yet
    for t in (ticket, other):
        act("rexian01", t, "assign", departments=[MARKET])
    act("scjg01", ticket, "urge", expect=403)
    act("rexian01", ticket, "urge")
    urged = act("rexian01", ticket, "urge", note="家长第三次来电，情绪激动")
    assert urged["urge_count"] == 2 and urged["state"] == "已派单"
    assert urged["events"][-1]["note"] == "第 2 次催办：家长第三次来电，情绪激动"
    dept = bearer("scjg01")
    items = client.get("/api/staff/cases", headers=dept).json()["items"]
    assert {i["ticket"]: i["urge_count"] for i in items} == {ticket: 2, other: 0}
    filtered = client.get("/api/staff/cases?urged=true", headers=dept).json()["items"]
    assert [i["ticket"] for i in filtered] == [ticket]
    seen = client.get(f"/api/staff/cases/{ticket}", headers=dept).json()
    assert [e["action"] for e in seen["events"]].count("urge") == 2
    act("scjg01", ticket, "accept")
    act("scjg01", ticket, "start")
    act("scjg01", ticket, "resolve", result="已处理")
    act("rexian01", ticket, "urge", expect=409)  # 办结 ends 催办
    assert client.get("/api/staff/cases?urged=true", headers=dept).json()["items"] == []
    reopened = act("rexian01", ticket, "reopen", note="家长说没处理", satisfaction=1)
    assert reopened["urge_count"] == 0  # a new round starts without the old 催办
    assert act("rexian01", ticket, "urge")["events"][-1]["note"] == "第 1 次催办"


def test_return_and_extension_reasons_on_the_card_and_filters(
    client, bearer, act, file_case
) -> None:
    back = file_case(CASE_TEXT, triage=TRIAGE)
    wait = file_case("托育园收了押金不给收据 电话13812345678", triage=TRIAGE)
    for t in (back, wait):
        act("rexian01", t, "assign", departments=[MARKET])
    act("scjg01", back, "return", note="涉及办学资质，应由教体局办理")
    act("scjg01", wait, "accept")
    act("scjg01", wait, "start")
    act("scjg01", wait, "request_extension", extension_days=3, note="要等园方财务 13812345678 回电")
    hotline = bearer("rexian01")
    returned = client.get("/api/staff/cases?reason=退回", headers=hotline).json()["items"]
    assert [(i["ticket"], i["reason_kind"]) for i in returned] == [(back, "退回")]
    assert returned[0]["reason"] == "涉及办学资质，应由教体局办理"
    waiting = client.get("/api/staff/cases?reason=延期", headers=hotline).json()["items"]
    assert [i["ticket"] for i in waiting] == [wait]
    assert "13812345678" not in waiting[0]["reason"]  # queue text is masked
    full = client.get(f"/api/staff/cases/{wait}", headers=hotline).json()
    assert full["reason"] == "要等园方财务 13812345678 回电"
    masked = client.get(f"/api/staff/cases/{wait}", headers=bearer("scjg01")).json()
    assert "13812345678" not in masked["reason"]
    assert client.get("/api/staff/cases?reason=乱写", headers=hotline).status_code == 422
    act("rexian01", wait, "approve_extension")
    assert client.get("/api/staff/cases?reason=延期", headers=hotline).json()["total"] == 0
    act("rexian01", back, "assign", departments=[EDU])
    assert client.get(f"/api/staff/cases/{back}", headers=hotline).json()["reason_kind"] is None


def test_family_lookup_shows_masked_result_with_date(act, file_case, lookup_client) -> None:
    ticket = file_case(CASE_TEXT, phone="13912345678", triage=TRIAGE)
    act("rexian01", ticket, "assign", departments=[MARKET])
    assert _lookup(lookup_client, ticket)["result"] is None
    act("scjg01", ticket, "accept")
    act("scjg01", ticket, "start")
    act("scjg01", ticket, "resolve", expect=422, note="只写了内部备注")
    act(
        "scjg01",
        ticket,
        "resolve",
        result="已责令退费，园长王某电话13698765432，身份证510411198805061234",
        note="内部：园方态度一般",
    )
    seen = _lookup(lookup_client, ticket)
    assert seen["state"] == "已办结" and seen["result"].startswith("已责令退费")
    assert "13698765432" not in seen["result"] and "510411198805061234" not in seen["result"]
    assert "内部" not in seen["result"]
    assert datetime.fromisoformat(seen["result_at"]) > datetime.now(UTC) - timedelta(minutes=5)
    act("rexian01", ticket, "reopen", note="家长不认可", satisfaction=2)
    assert _lookup(lookup_client, ticket)["result"] is None  # withdrawn while it is redone
