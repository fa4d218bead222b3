"""Today's date in 仁和区, from one clock that tests (and `TUOYU_TODAY`) can fix."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_fixed: list[dt.date] = []


def today() -> dt.date:
    """The date whose rules apply when a question gives none: a fixed date if set, else Asia/Shanghai today."""
    if _fixed:
        return _fixed[-1]
    pinned = os.environ.get("TUOYU_TODAY", "").strip()
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.datetime.now(LOCAL_TZ).date()


@contextmanager
def fixed_today(day: dt.date) -> Iterator[dt.date]:
    """Within the block, today() returns `day` (nesting allowed)."""
    _fixed.append(day)
    try:
        yield day
    finally:
        _fixed.pop()
