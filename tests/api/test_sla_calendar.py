"""Working-day time limits across 国庆 2025 and 调休 days, hour limits, colours and extensions."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.staff.sla import add_working_days, colour, deadline, working_seconds

CST = ZoneInfo("Asia/Shanghai")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """Aware Asia/Shanghai instant."""
    return datetime(y, mo, d, h, mi, tzinfo=CST)


@pytest.mark.parametrize(
    ("filed", "days", "due"),
    [
        # Tue before 国庆: 10-01..10-08 are holidays, the day's 7 h + 17 h on Thu 10-09
        (at(2025, 9, 30, 17), 1, at(2025, 10, 9, 17)),
        # 5 working days: 10-09, 10-10, Sat 10-11 (调休 working day), 10-13, 10-14
        (at(2025, 9, 30, 17), 5, at(2025, 10, 14, 17)),
        # filed during the holiday: the whole first working day after it
        (at(2025, 10, 4, 10), 1, at(2025, 10, 10, 0)),
        # filed on Sat 09-27 (rest day): Sun 09-28 is a 调休 working day
        (at(2025, 9, 27, 10), 1, at(2025, 9, 29, 0)),
        # filed Fri 09-26 10:00: due Sun 09-28 10:00, the 调休 working Sunday
        (at(2025, 9, 26, 10), 1, at(2025, 9, 28, 10)),
        # ordinary week: Fri → Mon
        (at(2025, 11, 14, 9, 30), 1, at(2025, 11, 17, 9, 30)),
    ],
)
def test_add_working_days(filed: datetime, days: int, due: datetime) -> None:
    assert add_working_days(filed, days) == due


def test_working_seconds_skip_the_holiday() -> None:
    assert working_seconds(at(2025, 9, 30, 17), at(2025, 10, 9, 17)) == 24 * 3600
    assert working_seconds(at(2025, 10, 2), at(2025, 10, 8, 23)) == 0
    assert working_seconds(at(2025, 10, 9), at(2025, 10, 8)) == 0


def test_accept_deadline_of_a_normal_case_filed_before_guoqing() -> None:
    dl = deadline(state="已派单", urgency="normal", created_at=at(2025, 9, 30, 17))
    assert dl is not None and dl.step == "accept" and dl.due_at == at(2025, 10, 9, 17)
    # in the middle of the holiday almost all the working time is still left → green
    assert colour(dl, now=at(2025, 10, 5, 12), yellow_ratio=0.25) == "green"
    # 10-09 14:00: 3 h of 24 h left (< 25 %) → yellow; after 17:00 → red
    assert colour(dl, now=at(2025, 10, 9, 14), yellow_ratio=0.25) == "yellow"
    assert colour(dl, now=at(2025, 10, 9, 17, 1), yellow_ratio=0.25) == "red"


def test_resolve_deadline_with_extension() -> None:
    plain = deadline(state="办理中", urgency="normal", created_at=at(2025, 9, 30, 17))
    extended = deadline(
        state="办理中", urgency="normal", created_at=at(2025, 9, 30, 17), extension_days=2
    )
    assert plain is not None and extended is not None
    assert plain.due_at == at(2025, 10, 14, 17)
    assert extended.due_at == at(2025, 10, 16, 17)


def test_urgent_accept_is_two_clock_hours_even_on_a_holiday() -> None:
    dl = deadline(state="待派单", urgency="urgent", created_at=at(2025, 10, 3, 22))
    assert dl is not None and dl.due_at == at(2025, 10, 4, 0)
    assert colour(dl, now=at(2025, 10, 3, 23), yellow_ratio=0.25) == "green"
    assert colour(dl, now=at(2025, 10, 3, 23, 40), yellow_ratio=0.25) == "yellow"
    assert colour(dl, now=at(2025, 10, 4, 0, 1), yellow_ratio=0.25) == "red"


def test_resolved_and_closed_cases_have_no_deadline() -> None:
    for state in ("已办结", "已回访"):
        dl = deadline(state=state, urgency="normal", created_at=at(2025, 9, 30))
        assert dl is None and colour(dl, now=at(2026, 1, 1), yellow_ratio=0.25) == "none"


def test_due_instant_is_aware_and_in_the_callers_zone() -> None:
    from datetime import UTC

    due = add_working_days(at(2025, 9, 30, 17).astimezone(UTC), 1)
    assert due.tzinfo is UTC and due == at(2025, 10, 9, 17)
    assert due - at(2025, 9, 30, 17) == timedelta(days=9)
