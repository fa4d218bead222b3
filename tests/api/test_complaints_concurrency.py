"""Ticket numbers under concurrency: 50 simultaneous filings, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from api.complaints.models import Complaint, TicketCounter
from api.complaints.routes import internal_router as router
from api.complaints.schemas import ComplaintCreate
from api.complaints.service import file_complaint
from api.db import get_sessionmaker

N = 50
# 2026-11-28 23:50 in Shanghai is still 15:50 UTC the same day
FIXED = datetime(2026, 11, 28, 15, 50, tzinfo=UTC)


def _file(url: str, i: int, barrier: threading.Barrier) -> str:
    """One filer in its own session, released together with the others."""
    payload = ComplaintCreate(text=f"第{i}个投诉 托育园又涨价了😤", channel="api", phone=None)
    barrier.wait()
    with get_sessionmaker(url)() as session:
        return file_complaint(session=session, payload=payload, now=FIXED).complaint.ticket


def test_50_concurrent_filings_get_unique_sequential_tickets(settings) -> None:
    barrier = threading.Barrier(N)
    with ThreadPoolExecutor(max_workers=N) as pool:
        tickets = list(pool.map(lambda i: _file(settings.database_url, i, barrier), range(N)))
    assert len(set(tickets)) == N
    assert all(t.startswith("TY20261128-") for t in tickets)
    assert sorted(int(t.rsplit("-", 1)[1]) for t in tickets) == list(range(1, N + 1))
    with get_sessionmaker(settings.database_url)() as session:
        stored = session.scalars(select(Complaint.ticket)).all()
        assert sorted(stored) == sorted(tickets)
        assert session.get(TicketCounter, "20261128").last == N


def test_50_concurrent_http_submissions_all_stored(make_client, auth_headers, settings) -> None:
    client = make_client(router)
    barrier = threading.Barrier(N)

    def submit(i: int) -> tuple[int, str]:
        body = {"text": f"{i}号 家长投诉：托育机构没备案还在收娃", "channel": "wechat"}
        headers = {**auth_headers, "Idempotency-Key": f"conc-{i}"}
        barrier.wait()
        r = client.post("/api/complaints", json=body, headers=headers)
        return r.status_code, r.json()["ticket"]

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(submit, range(N)))
    assert {status for status, _ in results} == {201}
    tickets = [t for _, t in results]
    assert len(set(tickets)) == N
    days = {t[2:10] for t in tickets}
    assert len(days) in (1, 2)  # a run straddling Shanghai midnight splits over two days
    for day in days:
        seqs = sorted(int(t[-4:]) for t in tickets if t[2:10] == day)
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    with get_sessionmaker(settings.database_url)() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == N


def test_concurrent_retries_with_one_key_make_one_case(make_client, auth_headers, settings) -> None:
    client = make_client(router)
    n = 12
    barrier = threading.Barrier(n)
    body: dict[str, Any] = {
        "text": "重试测试：同一个留言发了好几遍",
        "channel": "web",
        "kind": "handoff",
    }
    headers = {**auth_headers, "Idempotency-Key": "same-key-everywhere"}

    def submit(_: int) -> tuple[int, dict[str, Any]]:
        barrier.wait()
        r = client.post("/api/complaints", json=body, headers=headers)
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(submit, range(n)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (n - 1) + [201]
    assert len({data["ticket"] for _, data in results}) == 1
    assert [bool(data["pin"]) for status, data in results if status == 201] == [True]
    with get_sessionmaker(settings.database_url)() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_counter_rolls_back_with_failed_transaction(settings) -> None:
    """A filing that fails after taking a number gives it back: no gaps, no duplicates."""
    from sqlalchemy.exc import IntegrityError

    from api.complaints.tickets import allocate_ticket

    Session = get_sessionmaker(settings.database_url)
    with Session() as session:
        first = allocate_ticket(session, now=FIXED)
        session.add(
            Complaint(ticket=first, text="x", channel="api", verifier_pin_hash="-", departments=[])
        )
        session.commit()
    with Session() as session:
        taken = allocate_ticket(session, now=FIXED)
        session.add(
            Complaint(
                ticket=first, text="dup", channel="api", verifier_pin_hash="-", departments=[]
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
    with Session() as session:
        assert allocate_ticket(session, now=FIXED) == taken
