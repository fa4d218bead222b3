"""Chinese working days: the reviewed holidays.yml first, then chinesecalendar, else weekends only (provisional).

chinesecalendar knows holidays only up to the last State Council notice it ships (2026 for 1.11.0) and raises
for later years; an admin adds each new year to data/holidays.yml. Deadlines that cross a year known to
neither are counted Monday–Friday and reported as provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.yml"


class HolidayYear(BaseModel):
    """One year's statutory holidays (weekdays off) and 调休 working days (weekend days at work)."""

    source: str
    reviewed: dt.date | None = None
    copied_from: str = ""
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []


class HolidayCalendar(BaseModel):
    """The reviewed data file; use_library=False ignores chinesecalendar (tests of missing years)."""

    years: dict[int, HolidayYear] = {}
    use_library: bool = True

    def _library(self, day: dt.date) -> bool | None:
        """chinesecalendar's answer, or None when it has no data for that year."""
        if not self.use_library:
            return None
        try:
            import chinese_calendar

            return bool(chinese_calendar.is_workday(day))
        except (ImportError, NotImplementedError):
            return None

    def status(self, day: dt.date) -> tuple[bool, bool]:
        """(is a working day, the year's holidays are known)."""
        year = self.years.get(day.year)
        if year is not None:
            if day in year.workdays:
                return True, True
            return day.weekday() < 5 and day not in year.holidays, True
        known = self._library(day)
        if known is not None:
            return known, True
        return day.weekday() < 5, False

    def known(self, year: int) -> bool:
        """True when holidays of `year` come from the data file or chinesecalendar."""
        return self.status(dt.date(year, 6, 30))[1]


@lru_cache(maxsize=1)
def packaged_calendar() -> HolidayCalendar:
    """data/holidays.yml, loaded and validated once."""
    raw = yaml.safe_load(HOLIDAYS_FILE.read_text(encoding="utf-8")) or {}
    return HolidayCalendar.model_validate({"years": raw.get("years") or {}})


_override: list[HolidayCalendar] = []


def active_calendar() -> HolidayCalendar:
    """The calendar in use (a test's override, else the packaged one)."""
    return _override[-1] if _override else packaged_calendar()


@contextmanager
def use_calendar(calendar: HolidayCalendar) -> Iterator[HolidayCalendar]:
    """Within the block, working days come from `calendar`."""
    _override.append(calendar)
    try:
        yield calendar
    finally:
        _override.pop()


def is_workday(day: dt.date) -> bool:
    """Chinese working day (holidays and 调休), weekdays where the year is unknown."""
    return active_calendar().status(day)[0]


def provisional(start: dt.date, end: dt.date) -> bool:
    """True when any year from start to end has no holiday data (its count is weekends only)."""
    cal = active_calendar()
    return any(not cal.known(y) for y in range(start.year, end.year + 1))


def missing_years(today: dt.date, ahead: int = 1) -> list[int]:
    """This year and the next `ahead` years that have no holiday data (warned at start-up)."""
    cal = active_calendar()
    return [y for y in range(today.year, today.year + ahead + 1) if not cal.known(y)]
