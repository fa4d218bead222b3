"""Scaled deployment: the engine keeps conversations in PostgreSQL (SQL tracker store) behind a Redis lock
store, so an engine replica that restarts (or another replica) continues the same conversation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
import redis

from tests.e2e.stack import Stack, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.pg]

PG = "postgresql://postgres@127.0.0.1:5432/test"
SCALED = """tracker_store:
  type: SQL
  dialect: postgresql
  url: 127.0.0.1
  port: 5432
  db: test
  username: postgres
lock_store:
  type: redis
  url: 127.0.0.1
  port: 6379
  db: 0
  key_prefix: tuoyutest
"""


@pytest.fixture(scope="module")
def scaled_stack() -> Iterator[Stack]:
    """The stack with the SQL tracker store on the local PostgreSQL and the Redis lock store."""
    try:
        psycopg.connect(PG, connect_timeout=3).close()
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=3).ping()
    except Exception as error:  # pragma: no cover - CI must have both
        pytest.fail(f"PostgreSQL and Redis must be running for the scaled-deployment test: {error}")
    with running_stack(endpoints_extra=SCALED) as stack:
        yield stack


def test_conversation_survives_an_engine_restart(scaled_stack: Stack) -> None:
    sender = f"scaled-{uuid.uuid4().hex[:10]}"
    first = scaled_stack.chat(sender, "生孩子女方一共能休多少天产假").json()
    assert first["kind"] == "answer" and "188" in "".join(m["text"] for m in first["messages"])

    with psycopg.connect(PG) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (sender,)
        ).fetchone()
    assert stored and stored[0] > 0

    scaled_stack.stop("engine")
    scaled_stack.start("engine")
    scaled_stack.wait_ready(180)

    # The fresh engine process reads the conversation back from PostgreSQL: the topic slot is still set.
    tracker = httpx.get(
        f"{scaled_stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": scaled_stack.rasa_token},
        timeout=10,
    ).json()
    assert tracker["slots"].get("topic") == "maternity-leave-total"

    follow = scaled_stack.chat(sender, "那男方呢？").json()
    assert follow["kind"] == "answer"
    assert "20" in "".join(m["text"] for m in follow["messages"])
