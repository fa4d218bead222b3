"""Service-time limits from data/time_limits.yml and the "X 个工作日内答复" promise derived from them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, model_validator

from api.complaints.tickets import TICKET_TZ
from knowledge import workdays

DATA_FILE = Path(__file__).resolve().parent / "data" / "time_limits.yml"


class Limit(BaseModel):
    """One deadline, in clock hours or in working days (exactly one of them)."""

    hours: int | None = Field(default=None, gt=0)
    working_days: int | None = Field(default=None, gt=0)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_unit(self) -> Limit:
        """A limit has exactly one unit."""
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("give exactly one of hours / working_days")
        return self

    def describe(self) -> str:
        """Chinese phrase for the limit, e.g. '5 个工作日内' / '2 小时内'."""
        return f"{self.hours} 小时内" if self.hours else f"{self.working_days} 个工作日内"


class Level(BaseModel):
    """Limits for one urgency level."""

    aliases: list[str]
    sign_for: Limit
    reply: Limit
    finish: Limit


class TimeLimits(BaseModel):
    """The whole reviewed data file."""

    source: str
    confirmed: bool
    default_level: str
    levels: dict[str, Level]
    kinds: dict[str, Limit] = {}

    @model_validator(mode="after")
    def _default_exists(self) -> TimeLimits:
        """default_level must name a level."""
        if self.default_level not in self.levels:
            raise ValueError(f"default_level {self.default_level!r} is not a level")
        return self

    def level_for(self, urgency: str | None) -> tuple[str, Level]:
        """Level name and limits for a triage urgency value (unknown → default level)."""
        wanted = (urgency or "").strip().lower()
        for name, level in self.levels.items():
            if wanted == name or wanted in (a.lower() for a in level.aliases):
                return name, level
        return self.default_level, self.levels[self.default_level]


@lru_cache
def load_time_limits(path: Path = DATA_FILE) -> TimeLimits:
    """Parse and validate the data file once per process."""
    return TimeLimits.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def is_workday(day: date) -> bool:
    """Chinese working day: knowledge/data/holidays.yml, then chinesecalendar, else weekdays (provisional)."""
    return workdays.is_workday(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def expected_reply(*, urgency: str | None, filed_at: datetime) -> tuple[str, datetime | date]:
    """User-facing promise and its due moment (a local date for working days, an instant for hours)."""
    _name, level = load_time_limits().level_for(urgency)
    limit = level.reply
    if limit.hours:
        return f"{limit.describe()}答复", filed_at + timedelta(hours=limit.hours)
    local_day = filed_at.astimezone(TICKET_TZ).date()
    return f"{limit.describe()}答复", add_working_days(local_day, limit.working_days or 0)
