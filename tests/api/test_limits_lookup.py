"""Public status lookup limits: per-ticket lock after wrong verifiers, request rates (memory and Redis), PIN length."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.complaints.routes import internal_router, router

REDIS_URL = "redis://127.0.0.1:6379/0"
CLOSED_REDIS = "redis://127.0.0.1:6399/0"


@pytest.fixture
def client(make_client: Any) -> TestClient:
    """Bare app with the complaints routers: public lookup and the internal filing."""
    return make_client(router, internal_router)


def _file(client: TestClient, auth_headers: dict[str, str], phone: str = "13507712468") -> Any:
    body = {"text": "幼儿园门口的台阶坏了好几周 没人修", "channel": "web", "phone": phone}
    r = client.post("/api/complaints", json=body, headers=auth_headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def filed(client: TestClient, auth_headers: dict[str, str]) -> Any:
    return _file(client, auth_headers)


def _lookup(client: TestClient, ticket: str, verifier: str, **headers: str) -> Any:
    body = {"ticket": ticket, "verifier": verifier}
    return client.post("/api/complaints/lookup", json=body, headers=headers)


def _wrong(pin: str, i: int) -> str:
    return f"{(int(pin) + 1 + i) % 10**6:06d}"


def test_new_pins_are_six_digits_and_work(client, filed) -> None:
    assert len(filed["pin"]) == 6 and filed["pin"].isdigit()
    assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 200
    spaced = f"{filed['pin'][:3]} {filed['pin'][3:]}"
    assert _lookup(client, filed["ticket"], spaced).status_code == 200


def test_ticket_locks_after_five_wrong_verifiers_even_for_the_right_one(
    client, filed, settings_override, settings
) -> None:
    for i in range(5):
        assert _lookup(client, filed["ticket"], _wrong(filed["pin"], i)).status_code == 404
    locked = _lookup(client, filed["ticket"], filed["pin"])
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"] and "12345" in locked.json()["detail"]
    assert int(locked.headers["Retry-After"]) > 0
    assert _lookup(client, filed["ticket"], "2468").status_code == 429
    # the lock is in the database: a restart (fresh limiter, new settings) does not lift it
    settings_override(database_url=settings.database_url)
    assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 429


def test_lock_count_is_configurable_and_a_success_does_not_reset_it(
    client, filed, settings_override, settings
) -> None:
    settings_override(lookup_max_failures=3, database_url=settings.database_url)
    assert _lookup(client, filed["ticket"], _wrong(filed["pin"], 0)).status_code == 404
    assert _lookup(client, filed["ticket"], _wrong(filed["pin"], 1)).status_code == 404
    assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 200
    assert _lookup(client, filed["ticket"], _wrong(filed["pin"], 2)).status_code == 404
    assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 429


def test_concurrent_wrong_verifiers_check_at_most_the_limit(
    client, filed, settings_override, settings
) -> None:
    settings_override(lookup_rate_ticket="1000/minute", database_url=settings.database_url)
    settings_override(lookup_rate_address="1000/minute", database_url=settings.database_url)

    def one(i: int) -> int:
        return int(_lookup(client, filed["ticket"], _wrong(filed["pin"], i)).status_code)

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(one, range(20)))
    assert set(codes) <= {404, 429}
    assert codes.count(404) <= 5 and codes.count(429) >= 15
    assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 429


def test_other_tickets_are_not_locked_by_one(client, filed, auth_headers) -> None:
    other = _file(client, auth_headers, phone="13688804321")
    for i in range(5):
        _lookup(client, filed["ticket"], _wrong(filed["pin"], i))
    assert _lookup(client, other["ticket"], other["pin"]).status_code == 200


def test_rate_per_address_covers_every_ticket(
    client, filed, auth_headers, settings_override, settings
) -> None:
    other = _file(client, auth_headers, phone="13688804321")
    settings_override(lookup_rate_address="3/minute", database_url=settings.database_url)
    for _ in range(3):
        assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 200
    r = _lookup(client, other["ticket"], other["pin"])
    assert r.status_code == 429 and "太频繁" in r.json()["detail"]
    assert 0 < int(r.headers["Retry-After"]) <= 60


def test_rate_per_ticket_holds_across_chat_users(
    client, filed, auth_headers, settings_override, settings
) -> None:
    """The chat flow (action server with the service token) names its user; the ticket rate still holds."""
    settings_override(lookup_rate_ticket="2/minute", database_url=settings.database_url)
    for user in ("web-a", "web-b"):
        r = _lookup(client, filed["ticket"], filed["pin"], **auth_headers, **{"X-End-User": user})
        assert r.status_code == 200
    r = _lookup(client, filed["ticket"], filed["pin"], **auth_headers, **{"X-End-User": "web-c"})
    assert r.status_code == 429


def test_chat_users_have_their_own_caller_rate(
    client, filed, auth_headers, settings_override, settings
) -> None:
    settings_override(lookup_rate_address="2/minute", database_url=settings.database_url)
    chat = {**auth_headers, "X-End-User": "wx-one"}
    assert _lookup(client, filed["ticket"], filed["pin"], **chat).status_code == 200
    assert _lookup(client, filed["ticket"], filed["pin"], **chat).status_code == 200
    assert _lookup(client, filed["ticket"], filed["pin"], **chat).status_code == 429
    other = {**auth_headers, "X-End-User": "wx-two"}
    assert _lookup(client, filed["ticket"], filed["pin"], **other).status_code == 200


def test_end_user_header_without_service_token_is_ignored(
    client, filed, settings_override, settings
) -> None:
    settings_override(lookup_rate_address="2/minute", database_url=settings.database_url)
    for i in range(2):
        r = _lookup(client, filed["ticket"], filed["pin"], **{"X-End-User": f"fake-{i}"})
        assert r.status_code == 200
    r = _lookup(client, filed["ticket"], filed["pin"], **{"X-End-User": "fake-9"})
    assert r.status_code == 429


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the real Redis, deleted afterwards."""
    import redis

    prefix = f"test-sec-limits-{uuid.uuid4().hex[:10]}"
    conn = redis.Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis not reachable: {exc}")
    yield prefix
    for key in conn.scan_iter(f"{prefix}*"):
        conn.delete(key)
    conn.close()


def test_rate_is_shared_through_redis_across_replicas(
    client, filed, settings_override, settings, redis_prefix
) -> None:
    from api.limits import get_limiter, reset_limiters

    settings_override(
        redis_url=REDIS_URL,
        rate_limit_prefix=redis_prefix,
        lookup_rate_address="3/minute",
        database_url=settings.database_url,
    )
    assert get_limiter().backend == "redis"
    for _ in range(3):
        assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 200
        reset_limiters()  # the next request lands on a "new replica" with empty memory
    assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 429


def test_limits_still_hold_in_process_when_redis_is_down(
    client, filed, settings_override, settings, caplog
) -> None:
    from api.limits import get_limiter

    settings_override(
        redis_url=CLOSED_REDIS, lookup_rate_address="2/minute", database_url=settings.database_url
    )
    with caplog.at_level("WARNING", logger="api.limits"):
        assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 200
        assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 200
        assert _lookup(client, filed["ticket"], filed["pin"]).status_code == 429
    assert get_limiter().backend == "memory"
    assert any("unreachable" in r.message for r in caplog.records)
