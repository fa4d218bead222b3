"""Ticket numbers people can read out on the phone: TY + YYYYMMDD (Asia/Shanghai) + '-' + daily sequence."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.complaints.models import TicketCounter

TICKET_TZ = ZoneInfo("Asia/Shanghai")
PREFIX = "TY"
TICKET_RE = re.compile(r"^TY(\d{8})-(\d{4,})$")
_LOOSE_RE = re.compile(r"^TY(\d{8})-?(\d{4,})$")
SEPARATORS = r"\-－—_"  # what people type between the parts, besides spaces
_IN_TEXT_RE = re.compile(
    rf"TY\s*[{SEPARATORS}]?\s*(\d{{8}})\s*[{SEPARATORS}]?\s*(\d{{4,}})", re.IGNORECASE
)


def ticket_day(now: datetime) -> date:
    """The Asia/Shanghai calendar day of an aware instant (tickets roll over at local midnight)."""
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    return now.astimezone(TICKET_TZ).date()


def format_ticket(day: date, seq: int) -> str:
    """TY20261128-0042; past 9999 a day the sequence simply grows a digit."""
    return f"{PREFIX}{day:%Y%m%d}-{seq:04d}"


def normalise_ticket(raw: str) -> str | None:
    """Canonical ticket from what a caller typed ('ty 20261128 0042', '－'), or None if not one."""
    cleaned = re.sub(rf"[\s{SEPARATORS}]", "", raw.strip()).upper()
    m = _LOOSE_RE.match(cleaned)
    return f"{PREFIX}{m.group(1)}-{m.group(2)}" if m else None


def find_ticket(text: str) -> str | None:
    """The first ticket number inside a message, typed loosely (「查 ty 20261128 0042」), canonical."""
    match = _IN_TEXT_RE.search(text)
    return f"{PREFIX}{match.group(1)}-{match.group(2)}" if match else None


def next_sequence(session: Session, *, day: date) -> int:
    """Atomically bump and return the day's counter inside the caller's transaction.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING statement: the database serialises concurrent
    callers on the counter row (row lock on PostgreSQL, the write lock on SQLite), so two
    transactions can never read the same value and no insert race is left to retry.
    """
    key = f"{day:%Y%m%d}"
    dialect = session.get_bind().dialect.name
    insert_fn: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert_fn is None:
        raise RuntimeError(f"ticket counter needs an upsert-capable dialect, got {dialect}")
    day_col = TicketCounter.__table__.c.day
    stmt = (
        insert_fn(TicketCounter)
        .values(day=key, last=1)
        .on_conflict_do_update(
            index_elements=[day_col], set_={"last": literal_column("ticket_counters.last") + 1}
        )
        .returning(TicketCounter.last)
    )
    return int(session.execute(stmt).scalar_one())


def allocate_ticket(session: Session, *, now: datetime | None = None) -> str:
    """Next ticket number for the local day of `now` (default: current time)."""
    day = ticket_day(now or datetime.now(UTC))
    return format_ticket(day, next_sequence(session, day=day))
