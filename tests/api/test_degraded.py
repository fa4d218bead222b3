"""Failing dependencies are seen: Redis down → WeChat still answers (in-process), /api/health says degraded."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests.api.test_wechat_fakes import (  # noqa: F401 - fixtures
    Harness,
    engine_server_fixture,
    fake_engine_fixture,
    new_msg_id,
    new_openid,
    post_plain,
    reply_content,
    text_xml,
    wechat_fixture,
)

Start = Callable[..., Harness]
CLOSED_REDIS = "redis://127.0.0.1:6399/0"
LIVE_REDIS = "redis://127.0.0.1:6379/0"


def test_wechat_push_answers_with_redis_down_and_still_dedups(
    wechat: Start, caplog: pytest.LogCaptureFixture
) -> None:
    h = wechat(redis_url=CLOSED_REDIS)
    caplog.set_level(logging.WARNING)
    xml = text_xml(new_openid(), "陪产假几天", msg_id=new_msg_id())
    first = post_plain(h.client, xml)
    assert first.status_code == 200
    assert "20 天" in reply_content(first)
    retry = post_plain(h.client, xml)  # WeChat's retry of the same message
    assert retry.status_code == 200 and "20 天" in reply_content(retry)
    assert h.engine.called_with("陪产假几天") == 1
    assert any("Redis unreachable" in r.getMessage() for r in caplog.records)


def test_health_is_degraded_and_says_why_when_redis_is_down(wechat: Start) -> None:
    h = wechat(redis_url=CLOSED_REDIS)
    body = h.client.get("/api/health").json()
    assert body["status"] == "degraded"
    assert body["redis"] == "down" and body["engine"] == "ok" and body["actions"] == "ok"
    assert any("Redis" in why for why in body["why"])
    assert "6399" not in str(body)  # no connection details leak


def test_health_reports_a_live_redis(wechat: Start) -> None:
    body = wechat(redis_url=LIVE_REDIS).client.get("/api/health").json()
    assert body["status"] == "ok" and body["redis"] == "ok" and "why" not in body


def test_health_without_redis_is_as_before(wechat: Start) -> None:
    body = wechat().client.get("/api/health").json()
    assert body == {"status": "ok", "app": "ok", "engine": "ok", "actions": "ok", "chat": "engine"}


@pytest.mark.parametrize(("port", "state"), [("6399", "down"), ("6379", "ok")])
def test_health_checks_the_engines_redis_lock_store(wechat: Start, port: str, state: str) -> None:
    h = wechat(
        engine_endpoints="bot/endpoints.scaled.yml",
        lock_redis_host="127.0.0.1",
        lock_redis_port=port,
        lock_redis_db="1",
    )
    body = h.client.get("/api/health").json()
    assert body["lock_store"] == state
    assert body["status"] == ("ok" if state == "ok" else "degraded")
    if state == "down":
        assert any("lock store" in why for why in body["why"])


def test_health_names_an_unset_lock_store_setting(
    wechat: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOCK_REDIS_HOST", raising=False)
    h = wechat(engine_endpoints="bot/endpoints.scaled.yml")
    body = h.client.get("/api/health").json()
    assert body["status"] == "degraded" and body["lock_store"] == "down"
    assert any("LOCK_REDIS_HOST" in why for why in body["why"])


async def test_fallback_store_goes_back_to_redis_after_the_retry_window() -> None:
    from api.wechat.store import FallbackStore, MemoryStore, RedisStore

    now = [0.0]
    live = RedisStore(LIVE_REDIS)
    store = FallbackStore(RedisStore(CLOSED_REDIS), MemoryStore(), clock=lambda: now[0])
    assert await store.claim("test-sec-limits:k", "v", 30) is True
    assert store.degraded
    store.shared = live  # Redis is back
    now[0] += 31
    key = f"test-sec-limits:{new_openid()}"
    assert await store.claim(key, "v", 30) is True and not store.degraded
    assert await live.get(key) == "v"
    await live.delete(key)
    await store.aclose()
