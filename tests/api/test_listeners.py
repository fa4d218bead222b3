"""Two surfaces: the public app has no service-token route; the internal app (127.0.0.1) serves them all."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.config import SHIPPED_SECRETS
from tests.api.staff_fixtures import PASSWORD, accounts  # noqa: F401

FILING = {
    "text": "托育园老师推搡孩子 家长想投诉一下 这种情况找谁",
    "phone": "13912345678",
    "channel": "web",
}
INTERNAL_CALLS = [
    ("POST", "/api/internal/answer", {"text": "产假多少天"}),
    ("POST", "/api/internal/flow-route/complaint", {"text": "我要投诉"}),
    ("POST", "/api/internal/leave", {"event": "birth"}),
    ("POST", "/api/internal/handoff", {"sender_id": "abc", "reason": "ask"}),
    ("POST", "/api/internal/handoff/abc/release", {}),
    ("POST", "/api/internal/clarify", {"text": "假"}),
    ("POST", "/api/complaints", FILING),
    # the action server's paths: every call it makes is under /api/internal
    ("POST", "/api/internal/complaints", FILING),
    (
        "POST",
        "/api/internal/complaints/lookup",
        {"ticket": "TY20260101-0001", "verifier": "123456"},
    ),
    ("POST", "/api/internal/triage", {"text": "乱收费"}),
    ("GET", "/api/complaints/TY20260101-0001", None),
    ("GET", "/api/complaints/TY20260101-0001?reveal=1", None),
]


@pytest.fixture
def public(settings: Any) -> TestClient:
    """The public app exactly as api.main builds it (lifespan not started: no engine needed)."""
    from api.main import create_app

    return TestClient(create_app())


@pytest.fixture
def internal(settings: Any) -> TestClient:
    """The internal app exactly as api.main builds it."""
    from api.main import create_internal_app

    return TestClient(create_internal_app())


def _call(client: TestClient, method: str, path: str, body: Any, **kw: Any) -> Any:
    return client.request(method, path, json=body, **kw)


@pytest.mark.parametrize(("method", "path", "body"), INTERNAL_CALLS)
def test_public_app_has_no_internal_or_service_token_route(
    public: TestClient, auth_headers: dict[str, str], method: str, path: str, body: Any
) -> None:
    for headers in ({}, auth_headers, *({"Authorization": f"Bearer {s}"} for s in SHIPPED_SECRETS)):
        assert _call(public, method, path, body, headers=headers).status_code == 404, headers


def test_public_app_refuses_the_service_token_on_staff_routes(
    public: TestClient, auth_headers: dict[str, str]
) -> None:
    assert (
        public.post("/api/triage", json={"text": "乱收费"}, headers=auth_headers).status_code == 401
    )
    assert public.get("/api/staff/cases", headers=auth_headers).status_code == 401


def test_public_openapi_lists_only_public_and_staff_routes(public: TestClient) -> None:
    paths = set(public.get("/openapi.json").json()["paths"])
    assert not [p for p in paths if p.startswith("/api/internal")]
    assert "/api/complaints" not in paths and "/api/complaints/{ticket}" not in paths
    assert {"/api/chat", "/api/complaints/lookup", "/api/triage", "/api/staff/cases"} <= paths


def test_internal_openapi_lists_only_internal_routes(internal: TestClient) -> None:
    paths = set(internal.get("/openapi.json").json()["paths"])
    assert "/api/internal/answer" in paths and "/api/complaints" in paths
    assert not [p for p in paths if p.startswith(("/api/staff", "/api/auth", "/api/chat"))]


@pytest.mark.parametrize(("method", "path", "body"), INTERNAL_CALLS)
def test_internal_app_needs_the_service_token_on_every_route(
    internal: TestClient, method: str, path: str, body: Any
) -> None:
    for token in ("", "wrong-token-0123456789", *sorted(SHIPPED_SECRETS)):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert _call(internal, method, path, body, headers=headers).status_code in (401, 403)


def test_internal_lookup_needs_the_token_too(internal: TestClient) -> None:
    body = {"ticket": "TY20260101-0001", "verifier": "123456"}
    assert internal.post("/api/complaints/lookup", json=body).status_code in (401, 403)


def test_internal_app_files_triages_answers_and_looks_up(
    internal: TestClient, public: TestClient, auth_headers: dict[str, str]
) -> None:
    filed = internal.post("/api/complaints", json=FILING, headers=auth_headers)
    assert filed.status_code == 201, filed.text
    ticket, pin = filed.json()["ticket"], filed.json()["pin"]
    triage = internal.post("/api/triage", json={"text": FILING["text"]}, headers=auth_headers)
    assert triage.status_code == 200 and triage.json()["departments"]
    answer = internal.post(
        "/api/internal/answer", json={"text": "产假多少天"}, headers=auth_headers
    )
    assert answer.status_code == 200
    body = {"ticket": ticket, "verifier": pin}
    assert (
        internal.post("/api/complaints/lookup", json=body, headers=auth_headers).status_code == 200
    )
    assert (
        public.post("/api/complaints/lookup", json=body).status_code == 200
    )  # public lookup stays


def test_filing_and_reveal_are_audited_as_the_credential_not_a_header(
    internal: TestClient, auth_headers: dict[str, str], db_session: Any
) -> None:
    from api.complaints.models import Complaint, ComplaintEvent

    forged = {**auth_headers, "X-Actor": "staff:guanli"}
    ticket = internal.post("/api/complaints", json=FILING, headers=forged).json()["ticket"]
    revealed = internal.get(f"/api/complaints/{ticket}?reveal=1", headers=forged)
    assert revealed.json()["phone"] == FILING["phone"]
    actors = db_session.scalars(
        select(ComplaintEvent.actor).join(Complaint).where(Complaint.ticket == ticket)
    ).all()
    assert actors == ["service:actions", "service:actions"]


def test_staff_actions_are_audited_as_the_logged_in_account(
    public: TestClient, accounts: dict[str, int], db_session: Any
) -> None:
    from api.complaints.models import ComplaintEvent

    token = public.post("/api/auth/token", data={"username": "rexian01", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}", "X-Actor": "staff:guanli"}
    case = public.post(
        "/api/staff/cases",
        json={"text": "来电：托育园乱收材料费 家长很生气", "phone": "13700001111"},
        headers=headers,
    )
    assert case.status_code == 201, case.text
    ticket = case.json()["ticket"]
    assert public.post(f"/api/staff/cases/{ticket}/contact", headers=headers).status_code == 200
    actors = set(db_session.scalars(select(ComplaintEvent.actor)).all())
    assert actors == {"staff:rexian01"}


def test_the_internal_listener_is_bound_to_loopback(settings: Any) -> None:
    from api.serve import servers

    public_server, internal_server = servers(settings.model_copy(update={"app_host": "0.0.0.0"}))
    assert internal_server.config.host == "127.0.0.1"
    assert internal_server.config.port == settings.internal_port
    assert public_server.config.app == "api.main:app"
    assert internal_server.config.app == "api.main:internal_app"
