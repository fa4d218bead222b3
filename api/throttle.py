"""Failure counters with a lock, kept in the database so every replica and a restart see them.

Each attempt first *reserves* a slot with one conditional UPDATE … RETURNING (the row lock on
PostgreSQL, the write lock on SQLite serialise concurrent callers), and is committed before the slow
check (password hash, PIN hash) runs. A burst of N concurrent attempts therefore checks at most
`limit` secrets: the others find the slots taken and are refused without being checked. A failed
check keeps its slot (and locks the key once the limit is reached); a success clears or refunds it.
Used by the console login (per account and per address) and the public status lookup (per ticket).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, literal, null, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.auth.models import LoginThrottle
from api.db import utcnow

T = LoginThrottle


def _ensure_row(session: Session, key: str, now: datetime) -> None:
    """Insert the key's row if missing (INSERT … ON CONFLICT DO NOTHING: no race to retry)."""
    dialect = session.get_bind().dialect.name
    insert_fn: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert_fn is None:
        raise RuntimeError(f"throttle needs an upsert-capable dialect, got {dialect}")
    stmt = insert_fn(T).values(key=key, failures=0, window_start=now, locked_until=None)
    session.execute(stmt.on_conflict_do_nothing(index_elements=[T.__table__.c.key]))


def reserve(
    session: Session, *, key: str, limit: int, window: timedelta, now: datetime | None = None
) -> int | None:
    """Take one attempt slot and commit; its number (1…limit), or None while locked or full.

    The window restarts when it has run out or a lock has expired.
    """
    now = now or utcnow()
    session.commit()  # a fresh transaction: the UPDATE must see every committed reservation
    _ensure_row(session, key, now)
    fresh = or_(
        T.window_start < now - window, and_(T.locked_until.is_not(None), T.locked_until <= now)
    )
    stmt = (
        update(T)
        .where(
            T.key == key,
            or_(T.locked_until.is_(None), T.locked_until <= now),
            or_(fresh, T.failures < limit),
        )
        .values(
            failures=case((fresh, 1), else_=T.failures + 1),
            window_start=case((fresh, literal(now, T.window_start.type)), else_=T.window_start),
            locked_until=case((fresh, null()), else_=T.locked_until),
        )
        .returning(T.failures)
        .execution_options(synchronize_session=False)
    )
    taken = session.execute(stmt).scalar_one_or_none()
    session.commit()
    return None if taken is None else int(taken)


def failed(
    session: Session,
    *,
    key: str,
    slot: int,
    limit: int,
    lock: timedelta,
    now: datetime | None = None,
) -> bool:
    """Keep a failed attempt's slot; lock the key when it was the last one. True if now locked."""
    if slot < limit:
        return False
    stmt = (
        update(T)
        .where(T.key == key)
        .values(locked_until=(now or utcnow()) + lock)
        .execution_options(synchronize_session=False)
    )
    session.execute(stmt)
    return True


def refund(session: Session, *, key: str) -> None:
    """Give a slot back after a success that should not count against the key (caller commits)."""
    stmt = (
        update(T)
        .where(T.key == key, T.failures > 0, T.locked_until.is_(None))
        .values(failures=T.failures - 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(stmt)


def clear(session: Session, *, key: str) -> None:
    """Forget a key's failures and lock (right password, password reset); caller commits."""
    session.execute(delete(T).where(T.key == key).execution_options(synchronize_session=False))


def locked_until(session: Session, *, key: str, now: datetime | None = None) -> datetime | None:
    """When the key's lock ends, None if it is not locked."""
    row = session.get(T, key, populate_existing=True)
    now = now or utcnow()
    return row.locked_until if row and row.locked_until and row.locked_until > now else None
