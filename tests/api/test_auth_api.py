"""Auth: cookie sessions with CSRF, bearer tokens, expiry, logout, lockout, audit, triage guard."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from tests.api.staff_fixtures import PASSWORD, accounts, bearer, client, file_case  # noqa: F401
from tests.conftest import TEST_SERVICE_TOKEN

TRIAGE_TEXT = "小太阳托育园收了3个月学费 娃没去几天就说不退了 咋办啊😡"


def _login(client, username="rexian01", password=PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_cookie_login_sets_httponly_session_and_readable_csrf(client, accounts) -> None:
    r = _login(client)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["username"] == "rexian01" and body["user"]["role"] == "hotline"
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("tuoyu_session="))
    csrf = next(c for c in cookies if c.startswith("tuoyu_csrf="))
    assert "HttpOnly" in session and "samesite=strict" in session.lower()
    assert "HttpOnly" not in csrf and "samesite=strict" in csrf.lower()
    assert client.cookies.get("tuoyu_csrf") == body["csrf_token"]
    me = client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["username"] == "rexian01"


def test_cookie_post_needs_matching_csrf_header(client, accounts) -> None:
    csrf = _login(client).json()["csrf_token"]
    assert client.post("/api/triage", json={"text": TRIAGE_TEXT}).status_code == 403
    wrong = client.post(
        "/api/triage", json={"text": TRIAGE_TEXT}, headers={"X-CSRF-Token": "x" + csrf}
    )
    assert wrong.status_code == 403
    ok = client.post("/api/triage", json={"text": TRIAGE_TEXT}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    assert ok.json()["departments"][0]["basis"]


def test_csrf_cookie_must_match_the_value_bound_in_the_session(client, accounts) -> None:
    _login(client)
    client.cookies.set("tuoyu_csrf", "forged-value")
    r = client.post(
        "/api/triage", json={"text": TRIAGE_TEXT}, headers={"X-CSRF-Token": "forged-value"}
    )
    assert r.status_code == 403


def test_bearer_token_needs_no_csrf(client, bearer) -> None:
    r = client.post("/api/triage", json={"text": TRIAGE_TEXT}, headers=bearer("scjg01"))
    assert r.status_code == 200


def test_triage_requires_a_token(client, accounts) -> None:
    assert client.post("/api/triage", json={"text": TRIAGE_TEXT}).status_code == 401
    bad = client.post(
        "/api/triage", json={"text": TRIAGE_TEXT}, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    # the public triage route is staff-only: the service token works on the internal listener alone
    svc = client.post(
        "/api/triage",
        json={"text": TRIAGE_TEXT},
        headers={"Authorization": f"Bearer {TEST_SERVICE_TOKEN}"},
    )
    assert svc.status_code == 401


def test_service_token_is_not_a_staff_login(client, accounts) -> None:
    r = client.get("/api/staff/cases", headers={"Authorization": f"Bearer {TEST_SERVICE_TOKEN}"})
    assert r.status_code == 401


def test_expired_token_is_refused(client, accounts, settings) -> None:
    from api.auth.security import issue_token

    old = issue_token(
        secret=settings.jwt_secret,
        user_id=accounts["rexian01"],
        role="hotline",
        token_version=0,
        minutes=30,
        kind="access",
        now=datetime.now(UTC) - timedelta(hours=2),
    )
    r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {old.token}"})
    assert r.status_code == 401
    fresh = issue_token(
        secret=settings.jwt_secret,
        user_id=accounts["rexian01"],
        role="hotline",
        token_version=0,
        minutes=30,
        kind="access",
    )
    assert (
        client.get("/api/auth/me", headers={"Authorization": f"Bearer {fresh.token}"}).status_code
        == 200
    )


def test_token_signed_with_another_secret_or_kind_is_refused(client, accounts, settings) -> None:
    from api.auth.security import issue_token

    forged = issue_token(
        secret="some-other-secret-of-32-bytes-xx!",
        user_id=accounts["guanli"],
        role="admin",
        token_version=0,
        minutes=30,
        kind="access",
    )
    assert (
        client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged.token}"}).status_code
        == 401
    )
    session_jwt = issue_token(
        secret=settings.jwt_secret,
        user_id=accounts["guanli"],
        role="admin",
        token_version=0,
        minutes=30,
        kind="session",
    )
    assert (
        client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {session_jwt.token}"}
        ).status_code
        == 401
    )


def test_logout_revokes_the_token(client, bearer) -> None:
    headers = bearer("rexian01")
    assert client.post("/api/auth/logout", headers=headers).json() == {"ok": True}
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_cookie_logout_needs_csrf_and_clears_cookies(client, accounts) -> None:
    csrf = _login(client).json()["csrf_token"]
    assert client.post("/api/auth/logout").status_code == 403
    r = client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert client.get("/api/auth/me").status_code == 401


def test_lockout_after_five_failures_holds_even_for_the_right_password(
    client, accounts, db_session
) -> None:
    from api.auth.models import AuditLog, LoginThrottle

    for _ in range(5):
        assert _login(client, password="cuode mima").status_code == 401
    locked = _login(client)
    assert locked.status_code == 429 and "15 分钟" in locked.json()["detail"]
    db_session.expire_all()
    row = db_session.get(LoginThrottle, "user:rexian01")
    assert row is not None and row.locked_until > datetime.now(UTC)
    # the lock is stored in the DB: once it has run out, the right password works again
    db_session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == "user:rexian01")
        .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    db_session.commit()
    assert _login(client).status_code == 200
    actions = db_session.scalars(select(AuditLog.action).where(AuditLog.target == "rexian01")).all()
    assert actions.count("login_failed") == 5 and "login_locked" in actions and "login" in actions


def test_unknown_usernames_lock_the_same_way(client, accounts) -> None:
    for _ in range(5):
        assert _login(client, username="meiyouzhege").status_code == 401
    assert _login(client, username="meiyouzhege").status_code == 429


def test_per_ip_limit(client, accounts, settings_override, database_url) -> None:
    settings_override(login_ip_max_failures=3, database_url=database_url)
    for name in ("a1", "a2", "a3"):
        assert _login(client, username=name).status_code == 401
    assert _login(client).status_code == 429


def test_deactivated_account_cannot_log_in(client, accounts, bearer) -> None:
    old = bearer("scjg01")
    r = client.patch(
        f"/api/admin/users/{accounts['scjg01']}", json={"active": False}, headers=bearer("guanli")
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get("/api/auth/me", headers=old).status_code == 401
    assert _login(client, username="scjg01").status_code == 401


def test_admin_bootstrap_from_admin_password(
    client, settings_override, database_url, db_session
) -> None:
    from api.auth.models import User

    settings_override(admin_password="Chushi-guanliyuan-8", database_url=database_url)
    assert _login(client, username="admin", password="Chushi-guanliyuan-8").status_code == 200
    db_session.expire_all()
    admin = db_session.scalars(select(User).where(User.username == "admin")).one()
    assert admin.role == "admin"


def test_no_admin_without_admin_password(client, db_session) -> None:
    from api.auth.models import User

    assert _login(client, username="admin", password="admin").status_code == 401
    assert db_session.scalars(select(User)).all() == []


def test_too_short_admin_password_creates_nothing(client, settings_override, database_url) -> None:
    settings_override(admin_password="short", database_url=database_url)
    assert _login(client, username="admin", password="short").status_code == 401
