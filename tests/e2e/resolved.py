"""A case resolved by its lead department with a 办理结果, in a running stack's database (for lookup tests)."""

from __future__ import annotations

import httpx

from tests.e2e.stack import SERVICE_TOKEN, Stack

MARKET = "区市场监管局"


def resolved_case(stack: Stack, result: str) -> tuple[str, str]:
    """A complaint filed through the app (which triages it) and resolved by the lead department; (ticket, pin)."""
    r = httpx.post(
        f"{stack.internal_url}/api/complaints",  # as the action server files it
        json={
            "text": "小蜜蜂托育园多收了一个月保育费 找园长也不理",
            "phone": "13877771234",
            "channel": "web",
        },  # no triage: the app triages what it files (a fee complaint: 区市场监管局)
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    ticket, pin = r.json()["ticket"], r.json()["pin"]

    from sqlalchemy import select

    from api.complaints.models import Complaint
    from api.db import get_sessionmaker
    from api.staff.actions import apply_action
    from api.staff.schemas import ActionRequest
    from api.staff.service import Viewer

    hotline = Viewer("staff:rexian_e2e", "hotline", None)
    officer = Viewer("staff:scjg_e2e", "department", MARKET)
    steps = [
        (hotline, ActionRequest(action="assign", departments=[MARKET])),
        (officer, ActionRequest(action="accept")),
        (officer, ActionRequest(action="start")),
        (officer, ActionRequest(action="resolve", result=result, note="内部：园方起初不配合")),
    ]
    with get_sessionmaker(f"sqlite:///{stack.workdir / 'tuoyu.db'}")() as session:
        for who, body in steps:
            case = session.scalars(select(Complaint).where(Complaint.ticket == ticket)).one()
            apply_action(session, complaint=case, viewer=who, body=body)
    return ticket, pin
