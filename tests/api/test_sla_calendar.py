"""Working-day time limits across 国庆 2025 and 调休 days, hour limits, colours and extensions."""

from __future__ import annotations

import datetime as dt
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
    # 15 working days (12345 投诉举报): 10-09 … with the 调休 Saturday 10-11 → 10-28; +2 → 10-30
    assert plain.due_at == at(2025, 10, 28, 17)
    assert extended.due_at == at(2025, 10, 30, 17)


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


# --- across 2026-12-31 into 2027: chinesecalendar has no 2027 data -----------------------------------

from knowledge.workdays import (  # noqa: E402
    HolidayCalendar,
    HolidayYear,
    is_workday,
    missing_years,
    packaged_calendar,
    use_calendar,
)

WITH_2027 = HolidayCalendar(
    years={
        **packaged_calendar().years,
        # a reviewed 2027 entry as an admin would add it (元旦 Fri 01-01; a 调休 Sunday 01-10 for the test)
        2027: HolidayYear(
            source="test schedule", holidays=[dt.date(2027, 1, 1)], workdays=[dt.date(2027, 1, 10)]
        ),
    }
)


def test_2027_without_holiday_data_counts_weekends_only_and_is_provisional() -> None:
    filed = at(2026, 12, 30, 10)  # Wed
    assert missing_years(dt.date(2026, 12, 1)) == [2027]
    # Thu 12-31, Fri 01-01 (counted: no data), Mon 01-04 … 15 working days → Wed 2027-01-20 10:00
    assert add_working_days(filed, 15) == at(2027, 1, 20, 10)
    dl = deadline(state="办理中", urgency="normal", created_at=filed)
    assert dl is not None and dl.provisional and dl.due_at == at(2027, 1, 20, 10)
    inside = deadline(state="办理中", urgency="normal", created_at=at(2026, 11, 2, 10))
    assert inside is not None and not inside.provisional


def test_2027_with_holiday_data_skips_the_holiday_and_counts_the_tiaoxiu_sunday() -> None:
    with use_calendar(WITH_2027):
        assert missing_years(dt.date(2026, 12, 1)) == []
        assert not is_workday(dt.date(2027, 1, 1)) and is_workday(dt.date(2027, 1, 10))
        filed = at(2026, 12, 30, 10)
        # 01-01 is off (+1 day) but Sun 01-10 works (−1 day): same due day, not provisional
        dl = deadline(state="办理中", urgency="normal", created_at=filed)
        assert dl is not None and not dl.provisional
        assert dl.due_at == at(2027, 1, 20, 10)
        assert add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 4, 10)  # over 元旦 weekend


def test_2027_holiday_only_moves_the_deadline() -> None:
    only_holiday = HolidayCalendar(
        years={2027: HolidayYear(source="test", holidays=[dt.date(2027, 1, 1)])}
    )
    with use_calendar(only_holiday):
        assert add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 4, 10)
    # without data, Fri 2027-01-01 counts as a working day
    assert add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 1, 10)


def test_the_packaged_file_agrees_with_chinesecalendar_for_2026() -> None:
    lib = HolidayCalendar(years={})
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        assert packaged_calendar().status(day) == lib.status(day), day
        day += dt.timedelta(days=1)
