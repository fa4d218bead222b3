"""Login lockout under concurrency: a burst of wrong passwords checks at most LOGIN_MAX_FAILURES."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.api.staff_fixtures import PASSWORD, accounts, client  # noqa: F401

BURST = 40


def _burst(client, username: str, password: str, n: int = BURST) -> list[int]:  # type: ignore[no-untyped-def]
    """n concurrent logins on real threads (the sync route runs in the app's thread pool)."""

    def one(_: int) -> int:
        body = {"username": username, "password": password}
        return int(client.post("/api/auth/login", json=body).status_code)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def _failed_checks(db_session, username: str) -> int:  # type: ignore[no-untyped-def]
    from api.auth.models import AuditLog

    db_session.expire_all()
    stmt = select(func.count()).where(
        AuditLog.action == "login_failed", AuditLog.target == username
    )
    return int(db_session.scalar(stmt) or 0)


def test_burst_of_wrong_passwords_checks_at_most_five_then_locks(
    client, accounts, db_session
) -> None:
    codes = _burst(client, "rexian01", "cuode-mima-123")
    assert set(codes) <= {401, 429}, codes
    assert codes.count(401) <= 5 and codes.count(429) >= BURST - 5
    assert _failed_checks(db_session, "rexian01") <= 5
    # the right password, arriving after the lock, is refused too
    right = client.post("/api/auth/login", json={"username": "rexian01", "password": PASSWORD})
    assert right.status_code == 429
    assert "分钟后再试" in right.json()["detail"]


def test_burst_on_an_unknown_account_locks_the_same_way(client, accounts, db_session) -> None:
    codes = _burst(client, "meiyou-zhege-ren", "suibian-cai-cai", n=20)
    assert codes.count(401) <= 5 and codes.count(429) >= 15
    assert _failed_checks(db_session, "meiyou-zhege-ren") <= 5


def test_per_address_limit_holds_across_accounts_in_a_burst(
    client, accounts, db_session, settings_override, database_url
) -> None:
    settings_override(login_ip_max_failures=6, database_url=database_url)

    def one(i: int) -> int:
        body = {"username": f"caice{i:02d}", "password": "bu-dui-de-mima"}
        return int(client.post("/api/auth/login", json=body).status_code)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        codes = list(pool.map(one, range(BURST)))
    assert codes.count(401) <= 6 and codes.count(429) >= BURST - 6
    right = client.post("/api/auth/login", json={"username": "rexian01", "password": PASSWORD})
    assert right.status_code == 429


def test_successful_logins_do_not_use_up_the_address_limit(
    client, accounts, settings_override, database_url
) -> None:
    settings_override(login_ip_max_failures=3, database_url=database_url)
    for _ in range(6):
        r = client.post("/api/auth/login", json={"username": "guanli", "password": PASSWORD})
        assert r.status_code == 200, r.text
