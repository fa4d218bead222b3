"""Working-day time limits of cases (Chinese holidays and 调休 via chinese_calendar) and their colour.

Working time is counted in whole Asia/Shanghai calendar days that are working days: "1 working day"
is 24 hours of working-day time, so a case filed on a Tuesday at 17:00 before 国庆 is due at 17:00
on the first working day after the holiday; one filed on a holiday is due at the end of the first
working day. Hour limits (urgent 签收) are clock hours. Limits come from
api/complaints/data/time_limits.yml (sign_for = 签收, finish = 办结).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from api.complaints.tickets import TICKET_TZ
from api.complaints.timelimits import Limit, is_workday, load_time_limits
from knowledge.workdays import provisional as _provisional

Colour = Literal["green", "yellow", "red", "none"]
DAY = 86_400.0
ACCEPT_STATES = frozenset({"待派单", "已派单", "退回"})
RESOLVE_STATES = frozenset({"已签收", "办理中", "延期", "重办"})


def _next_midnight(local: datetime) -> datetime:
    """Start of the local day after `local`."""
    day = local.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=TICKET_TZ)


def add_working_days(start: datetime, days: int) -> datetime:
    """The instant when `days` × 24 h of working-day time have passed since `start` (aware)."""
    cursor = start.astimezone(TICKET_TZ)
    remaining = timedelta(days=days)
    while True:
        midnight = _next_midnight(cursor)
        if is_workday(cursor.date()):
            available = midnight - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(start.tzinfo)
            remaining -= available
        cursor = midnight


def working_seconds(start: datetime, end: datetime) -> float:
    """Working-day time between two instants in seconds (0 if end is not after start)."""
    if end <= start:
        return 0.0
    cursor, stop = start.astimezone(TICKET_TZ), end.astimezone(TICKET_TZ)
    total = 0.0
    while cursor < stop:
        midnight = min(_next_midnight(cursor), stop)
        if is_workday(cursor.date()):
            total += (midnight - cursor).total_seconds()
        cursor = midnight
    return total


@dataclass(frozen=True)
class Deadline:
    """The current step's deadline: what it is for, when, and how much time it allowed."""

    step: Literal["accept", "resolve"]
    due_at: datetime
    allowed_seconds: float
    working_days: bool
    provisional: bool = False

    def remaining(self, now: datetime) -> float:
        """Seconds left (working-day time for day limits, clock time for hour limits)."""
        if now >= self.due_at:
            return 0.0
        if self.working_days:
            return working_seconds(now, self.due_at)
        return (self.due_at - now).total_seconds()


def _due(start: datetime, limit: Limit, extra_days: int) -> tuple[datetime, float, bool]:
    """Due instant, allowed seconds and unit for a limit plus approved extension days."""
    if limit.hours:
        due = start + timedelta(hours=limit.hours)
        if extra_days:
            due = add_working_days(due, extra_days)
        return due, limit.hours * 3600.0 + extra_days * DAY, bool(extra_days)
    days = (limit.working_days or 0) + extra_days
    return add_working_days(start, days), days * DAY, True


def deadline(
    *, state: str, urgency: str | None, created_at: datetime, extension_days: int = 0
) -> Deadline | None:
    """Deadline of the step the case is waiting for (None once resolved or closed)."""
    _name, level = load_time_limits().level_for(urgency)
    if state in ACCEPT_STATES:
        due, allowed, days = _due(created_at, level.sign_for, 0)
        return Deadline("accept", due, allowed, days, _is_provisional(created_at, due, days))
    if state in RESOLVE_STATES:
        due, allowed, days = _due(created_at, level.finish, extension_days)
        return Deadline("resolve", due, allowed, days, _is_provisional(created_at, due, days))
    return None


def _is_provisional(start: datetime, due: datetime, working_days: bool) -> bool:
    """A working-day deadline that crosses a year without holiday data is only an estimate."""
    if not working_days:
        return False
    return _provisional(start.astimezone(TICKET_TZ).date(), due.astimezone(TICKET_TZ).date())


def colour(dl: Deadline | None, *, now: datetime, yellow_ratio: float) -> Colour:
    """red when overdue, yellow when less than `yellow_ratio` of the allowed time is left."""
    if dl is None:
        return "none"
    if now >= dl.due_at:
        return "red"
    if dl.remaining(now) < yellow_ratio * dl.allowed_seconds:
        return "yellow"
    return "green"
