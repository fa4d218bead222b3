"""Every action × every state, table-driven from api/staff/data/workflow.yml, through the HTTP API."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import pytest

from api.complaints.models import STATES
from api.staff.service import HIDDEN_FROM_DEPARTMENTS
from api.staff.workflow import load_workflow
from tests.api.staff_fixtures import accounts, bearer, client, file_case, set_state  # noqa: F401

TABLE = load_workflow().actions
LEAD, ASSIST = ["区市场监管局", "区教育和体育局"], "jiaoti01"
BODY_FIELDS = {
    "note": "家长说园长电话一直打不通，先记一下🙏",
    "satisfaction": 4,
    "extension_days": 3,
    "departments": LEAD,
    "result": "已责令园方退还多收的伙食费，家长已确认到账",
}
ACTOR = {"department": "scjg01", "hotline": "rexian01", "admin": "guanli"}


def _body(action: str) -> dict[str, object]:
    """Request body carrying every field the action requires."""
    body: dict[str, object] = {"action": action}
    for name in TABLE[action].requires:
        body[name] = BODY_FIELDS[name]
    if action == "assign":
        body["departments"] = LEAD
    if action == "reassign":
        body["departments"] = ["区卫生健康局"]
    if TABLE[action].dissatisfied:
        body["satisfaction"] = 2
    return body


def test_table_is_consistent_with_the_store() -> None:
    wf = load_workflow()
    assert tuple(wf.states) == STATES
    reachable = {t.to for t in wf.actions.values() if t.to}
    assert reachable == set(STATES)  # 撤回 leads back to 待派单


@pytest.mark.parametrize("action", list(TABLE))
def test_every_state_for_action(action, client, bearer, file_case, set_state) -> None:
    transition = TABLE[action]
    ticket = file_case("小太阳托育园收费不退 还凶家长 电话13812345678", phone="13812345678")
    role = transition.roles[0]
    for state in STATES:
        set_state(ticket, state, LEAD)
        r = client.post(
            f"/api/staff/cases/{ticket}/actions", json=_body(action), headers=bearer(ACTOR[role])
        )
        legal = transition.starts_in(state)
        if role == "department" and state in HIDDEN_FROM_DEPARTMENTS:
            assert r.status_code == 404, (action, state, r.text)
        elif legal:
            assert r.status_code == 200, (action, state, r.text)
            detail = r.json()
            assert detail["state"] == (transition.to or state)
            if action == "reassign":
                assert detail["lead_department"] == "区卫生健康局"
            last = [e for e in detail["events"] if e["action"] != "contact_viewed"][-1]
            assert (last["action"], last["from_state"], last["to_state"]) == (
                action,
                state,
                transition.to,
            )
        else:
            assert r.status_code == 409, (action, state, r.text)
            message = r.json()["detail"]
            assert f"「{state}」" in message and transition.label in message
            assert transition.to is None or f"「{transition.to}」" in message


@pytest.mark.parametrize("action", list(TABLE))
def test_roles_not_in_the_table_are_refused(action, client, bearer, file_case, set_state) -> None:
    transition = TABLE[action]
    ticket = file_case("阳光托育中心老师打娃 😭 要求处理")
    state = (
        next(s for s in transition.from_ if s != "*") if "*" not in transition.from_ else "办理中"
    )
    outsiders = [r for r in ("hotline", "department") if r not in transition.roles]
    if transition.lead_only:
        outsiders.append("assist")
    for role in outsiders:
        set_state(ticket, state, LEAD)
        who = ASSIST if role == "assist" else ACTOR[role]
        r = client.post(
            f"/api/staff/cases/{ticket}/actions", json=_body(action), headers=bearer(who)
        )
        if who != "rexian01" and state in HIDDEN_FROM_DEPARTMENTS:
            assert r.status_code == 404
        else:
            assert r.status_code == 403, (action, role, r.text)


@pytest.mark.parametrize("action", [a for a, t in TABLE.items() if t.requires])
def test_required_fields(action, client, bearer, file_case, set_state) -> None:
    transition = TABLE[action]
    ticket = file_case("托育园食堂不干净 娃拉肚子")
    state = transition.from_[0] if transition.from_[0] != "*" else "办理中"
    set_state(ticket, state, LEAD)
    r = client.post(
        f"/api/staff/cases/{ticket}/actions",
        json={"action": action},
        headers=bearer(ACTOR[transition.roles[0]]),
    )
    assert r.status_code == 422
    assert r.json()["detail"].startswith(f"「{transition.label}」需要填写")


def test_allowed_actions_follow_the_table(client, bearer, file_case, set_state) -> None:
    ticket = file_case("托育园消防通道堆满杂物")
    set_state(ticket, "办理中", LEAD)
    lead = client.get(f"/api/staff/cases/{ticket}", headers=bearer("scjg01")).json()
    assist = client.get(f"/api/staff/cases/{ticket}", headers=bearer(ASSIST)).json()
    hotline = client.get(f"/api/staff/cases/{ticket}", headers=bearer("rexian01")).json()
    names = lambda d: [a["action"] for a in d["allowed_actions"]]  # noqa: E731
    assert names(lead) == ["resolve", "return", "request_extension", "note"]
    assert names(assist) == ["note"]
    assert names(hotline) == ["urge", "note"]
    assert {a["label"] for a in lead["allowed_actions"]} == {"办结", "退回", "申请延期", "添加备注"}
