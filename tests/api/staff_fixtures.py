"""Shared fixtures of the staff-console tests (accounts, logged-in clients, cases); imported by test_auth*/test_staff*/test_workflow*."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

PASSWORD = "Zhengque-mima-2026"
ACCOUNTS = {
    "rexian01": ("hotline", None),
    "scjg01": ("department", "区市场监管局"),
    "jiaoti01": ("department", "区教育和体育局"),
    "weijian01": ("department", "区卫生健康局"),
    "guanli": ("admin", None),
}


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """Test client of a bare app with the auth, admin, staff and triage routers."""
    from api.auth.routes import admin_router, router
    from api.staff.routes import router as staff_router
    from api.triage.routes import router as triage_router

    return make_client(router, admin_router, staff_router, triage_router)


@lru_cache
def password_hash() -> str:
    """One real argon2 hash of PASSWORD per test run (hashing is deliberately slow)."""
    from api.auth.security import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def accounts(db_session: Session) -> dict[str, int]:
    """One account per role (two department officers of different departments); name → id."""
    from api.auth.models import User

    users = {
        name: User(
            username=name,
            password_hash=password_hash(),
            role=role,
            department=department,
            active=True,
            token_version=0,
        )
        for name, (role, department) in ACCOUNTS.items()
    }
    db_session.add_all(users.values())
    db_session.commit()
    return {name: user.id for name, user in users.items()}


@pytest.fixture
def bearer(client: TestClient, accounts: dict[str, int]) -> Callable[[str], dict[str, str]]:
    """bearer('rexian01') → Authorization header of a fresh OAuth2 token for that account."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            r = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            cache[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return cache[username]

    return get


@pytest.fixture
def file_case(db_session: Session) -> Callable[..., str]:
    """file_case(text, phone=..., institution=..., created_at=..., kind=...) → ticket (filed via the store)."""
    from api.complaints.schemas import ComplaintCreate
    from api.complaints.service import file_complaint

    def make(
        text: str,
        *,
        created_at: datetime | None = None,
        triage: dict[str, Any] | None = None,
        **fields: Any,
    ) -> str:
        # `triage` pins the routing in-process (as phone intake passes the app's own result);
        # over HTTP a filing carries no triage at all
        fields.setdefault("channel", "web")
        payload = ComplaintCreate(text=text, **fields)
        filed = file_complaint(session=db_session, payload=payload, now=created_at, triage=triage)
        return filed.complaint.ticket

    return make


@pytest.fixture
def set_state(db_session: Session) -> Callable[..., None]:
    """set_state(ticket, state, departments=None) — put a case straight into a state for table tests."""
    from sqlalchemy import select

    from api.complaints.models import Complaint

    def put(ticket: str, state: str, departments: list[str] | None = None) -> None:
        db_session.expire_all()
        c = db_session.scalars(select(Complaint).where(Complaint.ticket == ticket)).one()
        c.state = state
        if departments is not None:
            c.departments, c.lead_department = departments, departments[0]
        db_session.commit()

    return put
