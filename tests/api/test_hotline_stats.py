"""Statistics with a fixed clock: 按时办结率 (working days), 重办率, 满意率, overdue now, months, CSV."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.staff_fixtures import accounts, bearer, client, file_case  # noqa: F401

MARKET, EDU = "区市场监管局", "区教育和体育局"
# Monday 2026-11-02 09:00 in 仁和 (01:00 UTC): a plain working week
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _triage(dept: str) -> dict[str, Any]:
    return {
        "category": "收费/退费",
        "urgency": "normal",
        "departments": [{"name": dept, "role": "lead"}],
    }


@pytest.fixture
def run(db_session):  # type: ignore[no-untyped-def]
    """run(ticket, who, action, at, **fields): one workflow action at a fixed instant."""
    from sqlalchemy import select

    from api.complaints.models import Complaint
    from api.staff.actions import apply_action
    from api.staff.schemas import ActionRequest
    from api.staff.service import Viewer

    people = {
        "hotline": Viewer("staff:rexian01", "hotline", None),
        MARKET: Viewer("staff:scjg01", "department", MARKET),
        EDU: Viewer("staff:jiaoti01", "department", EDU),
    }

    def act(ticket: str, who: str, action: str, at: datetime, **fields: Any) -> None:
        db_session.expire_all()
        c = db_session.scalars(select(Complaint).where(Complaint.ticket == ticket)).one()
        body = ActionRequest(action=action, **fields)
        apply_action(db_session, complaint=c, viewer=people[who], body=body, now=at)

    return act


def _finish_due(created: datetime) -> datetime:
    """The 办结 deadline sla.py computes for a normal case filed at `created`."""
    from api.staff import sla

    due = sla.deadline(state="办理中", urgency="normal", created_at=created)
    assert due is not None
    return due.due_at


@pytest.fixture
def history(file_case, run):  # type: ignore[no-untyped-def]
    """Four market cases and one education case with known outcomes; returns (tickets, now)."""
    h = timedelta(hours=1)
    due = _finish_due(T0)
    cases = {
        name: file_case(text, created_at=T0, triage=_triage(dept))
        for name, text, dept in [
            ("quick", "托育园多收了两个月伙食费 要求退", MARKET),
            ("late", "托育中心收了定金不办入托 也不退钱", MARKET),
            ("reopened", "早教班退费只退一半 家长不同意", MARKET),
            ("stuck", "托管点乱收材料费 没人管", MARKET),
            ("school", "托班老师资质存疑 想核实", EDU),
        ]
    }

    def through(name: str, dept: str, resolved_at: datetime, score: int) -> None:
        t = cases[name]
        run(t, "hotline", "assign", T0 + h, departments=[dept])
        run(t, dept, "accept", T0 + 2 * h)
        run(t, dept, "start", T0 + 2 * h)
        run(t, dept, "resolve", resolved_at, result="已处理完毕")
        run(t, "hotline", "follow_up", resolved_at + h, satisfaction=score)

    through("quick", MARKET, T0 + 5 * h, 5)
    through("late", MARKET, due + 26 * h, 4)  # a day past the limit
    through("reopened", MARKET, T0 + 6 * h, 2)  # dissatisfied 回访 …
    r = cases["reopened"]
    run(r, "hotline", "reopen", T0 + 8 * h, note="家长要求全额退费")
    run(r, MARKET, "start", T0 + 9 * h)
    run(r, MARKET, "resolve", T0 + 20 * h, result="已全额退费")
    run(r, "hotline", "follow_up", T0 + 21 * h, satisfaction=4)  # … then satisfied
    run(cases["stuck"], "hotline", "assign", T0 + h, departments=[MARKET])
    run(cases["stuck"], "hotline", "urge", T0 + 30 * h)
    through("school", EDU, T0 + 3 * h, 3)
    return cases, due + timedelta(days=10)


def test_rates_with_a_fixed_clock(db_session, history) -> None:
    from api.staff.service import Viewer
    from api.staff.stats import compute_stats

    _cases, now = history
    stats = compute_stats(db_session, viewer=Viewer("staff:rexian01", "hotline", None), now=now)
    t = stats.totals
    assert (t.cases, t.resolved, t.on_time, t.reopened) == (5, 4, 3, 1)
    assert t.on_time_rate == 0.75 and t.reopen_rate == 0.25
    # scores 5, 4, 2 (then 4 after 重办), 3: four of five satisfied
    assert (t.follow_ups, t.satisfied, t.satisfaction_rate) == (5, 4, 0.8)
    assert t.overdue_now == 1 and t.urges == 1
    assert stats.overdue_by_department == {MARKET: 1}
    market = next(d for d in stats.departments if d.name == MARKET)
    assert (market.cases, market.resolved, market.on_time, market.reopened) == (4, 3, 2, 1)
    assert market.satisfaction_rate == 0.75 and market.overdue_now == 1
    education = next(d for d in stats.departments if d.name == EDU)
    assert (education.on_time_rate, education.reopen_rate, education.overdue_now) == (1.0, 0.0, 0)
    assert [m.name for m in stats.months] == ["2026-11"] and stats.months[0].cases == 5
    assert stats.by_month == {"2026-11": 5}
    assert stats.median_working_days_to_resolve is not None
    assert 0 < stats.median_working_days_to_resolve < 1  # 3 h, 5 h, 6 h and a late one


def test_extension_approved_before_resolution_counts_as_on_time(db_session, file_case, run) -> None:
    from api.staff.service import Viewer
    from api.staff.stats import compute_stats

    h = timedelta(hours=1)
    ticket = file_case("托育园收费项目不公示", created_at=T0, triage=_triage(MARKET))
    run(ticket, "hotline", "assign", T0 + h, departments=[MARKET])
    run(ticket, MARKET, "accept", T0 + 2 * h)
    run(ticket, MARKET, "start", T0 + 2 * h)
    run(ticket, MARKET, "request_extension", T0 + 3 * h, note="需现场核查", extension_days=3)
    run(ticket, "hotline", "approve_extension", T0 + 4 * h)
    run(ticket, MARKET, "resolve", _finish_due(T0) + 26 * h, result="已公示收费项目")
    stats = compute_stats(db_session, viewer=Viewer("x", "admin", None), now=T0 + 30 * 24 * h)
    assert (stats.totals.resolved, stats.totals.on_time) == (1, 1)


def test_months_without_cases_are_shown_empty(db_session, file_case) -> None:
    from api.staff.service import Viewer
    from api.staff.stats import compute_stats

    file_case("托育园九月的收费问题", created_at=datetime(2026, 9, 10, 2, tzinfo=UTC))
    file_case("托育园年底又涨价", created_at=datetime(2026, 12, 1, 2, tzinfo=UTC))
    stats = compute_stats(db_session, viewer=Viewer("x", "admin", None), now=T0)
    assert [(m.name, m.cases) for m in stats.months] == [
        ("2026-09", 1),
        ("2026-10", 0),
        ("2026-11", 0),
        ("2026-12", 1),
    ]
    assert stats.by_month == {"2026-09": 1, "2026-12": 1}


def test_department_sees_only_its_own_figures(db_session, history) -> None:
    from api.staff.service import Viewer
    from api.staff.stats import compute_stats

    _cases, now = history
    stats = compute_stats(db_session, viewer=Viewer("staff:jiaoti01", "department", EDU), now=now)
    assert [d.name for d in stats.departments] == [EDU] and stats.totals.cases == 1
    assert stats.totals.overdue_now == 0


def test_date_range_limits_filed_cases_not_the_overdue_now(db_session, history) -> None:
    from datetime import date

    from api.staff.service import Viewer
    from api.staff.stats import compute_stats

    _cases, now = history
    stats = compute_stats(
        db_session,
        viewer=Viewer("x", "hotline", None),
        since=date(2026, 12, 1),
        until=date(2026, 12, 31),
        now=now,
    )
    assert stats.totals.cases == 0 and stats.totals.on_time_rate is None
    assert stats.totals.overdue_now == 1 and stats.months == []


def test_stats_csv_over_http(client, bearer, history) -> None:
    r = client.get("/api/staff/stats.csv", headers=bearer("rexian01"))
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["维度", "名称", "受理量"] and "满意率" in rows[0]
    by_name = {(row[0], row[1]): row for row in rows[1:] if len(row) > 2}
    total = by_name[("合计", "合计")]
    head = rows[0]
    assert total[head.index("按时办结率")] == "75.0%" and total[head.index("重办率")] == "25.0%"
    assert total[head.index("满意率")] == "80.0%"
    assert by_name[("部门", MARKET)][head.index("受理量")] == "4"
    assert ("月份", "2026-11") in by_name
    assert any(row and row[0] == "办结用时中位数（工作日）" for row in rows)
    assert client.get("/api/staff/stats.csv").status_code == 401
    assert (
        client.get("/api/staff/stats.csv?since=yesterday", headers=bearer("rexian01")).status_code
        == 422
    )
