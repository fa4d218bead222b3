"""Store-level guarantees: migrations, durability, ticket format, time limits, verifiers, triage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from api.complaints.errors import InvalidStateChange
from api.complaints.models import STATES, Complaint
from api.complaints.redact import mask_phone, mask_pii
from api.complaints.schemas import ComplaintCreate
from api.complaints.service import change_state, file_complaint
from api.complaints.tickets import find_ticket, format_ticket, normalise_ticket, ticket_day
from api.complaints.timelimits import add_working_days, expected_reply, load_time_limits
from api.complaints.triage_link import summarise
from api.complaints.verifier import check_pin, hash_pin, new_pin, verify
from api.db import Base, dispose_engines, downgrade_db, get_sessionmaker, make_engine, upgrade_db

TABLES = {"complaints", "complaint_events", "ticket_counters"}


def _tables(url: str) -> set[str]:
    """Table names currently in the database (the test schema on PostgreSQL)."""
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_round_trip(empty_database_url: str) -> None:
    url = empty_database_url
    assert not TABLES & _tables(url)
    upgrade_db(url)
    assert _tables(url) >= TABLES
    downgrade_db(url, revision="base")
    assert not TABLES & _tables(url)
    upgrade_db(url)
    with get_sessionmaker(url)() as session:
        filed = file_complaint(
            session=session, payload=ComplaintCreate(text="迁移后还能存吗", channel="api")
        )
        assert filed.created


def test_models_match_migrations(database_url: str) -> None:
    # every model module registers its tables on Base
    import api.auth.models
    import api.staff.models  # noqa: F401

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def test_sqlite_uses_wal(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'wal.db'}"
    upgrade_db(url)  # also creates the missing directory, like var/ on a fresh checkout
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_acknowledged_complaint_survives_new_engine(settings) -> None:
    text = "周末托育班临时加收200块 说是“材料费” 有依据吗？"
    with get_sessionmaker(settings.database_url)() as session:
        ticket = file_complaint(
            session=session, payload=ComplaintCreate(text=text, channel="phone")
        ).complaint.ticket
    dispose_engines()  # drop every pooled connection: what remains is what was committed
    engine = make_engine(settings.database_url)
    try:
        with get_sessionmaker(settings.database_url)() as session:
            row = session.scalars(select(Complaint).where(Complaint.ticket == ticket)).one()
            assert row.text == text
            assert row.events[0].action == "filed"
    finally:
        engine.dispose()


def test_state_change_appends_event_and_rejects_unknown_state(settings) -> None:
    Session = get_sessionmaker(settings.database_url)
    with Session() as session:
        ticket = file_complaint(
            session=session, payload=ComplaintCreate(text="催办", channel="api")
        ).complaint.ticket
        change_state(
            session=session,
            ticket=ticket,
            to_state="已签收",
            actor="dept:区卫生健康局",
            note="已接单",
        )
        with pytest.raises(InvalidStateChange):
            change_state(session=session, ticket=ticket, to_state="搞定了", actor="x")
        session.rollback()
    with Session() as session:
        row = session.scalars(select(Complaint).where(Complaint.ticket == ticket)).one()
        assert row.state == "已签收"
        assert [(e.action, e.from_state, e.to_state) for e in row.events] == [
            ("filed", None, "待派单"),
            ("state_changed", "待派单", "已签收"),
        ]
        assert row.updated_at >= row.created_at


def test_ticket_day_is_shanghai_date() -> None:
    assert ticket_day(datetime(2026, 11, 28, 15, 59, tzinfo=UTC)) == date(2026, 11, 28)
    assert ticket_day(datetime(2026, 11, 28, 16, 0, tzinfo=UTC)) == date(2026, 11, 29)
    with pytest.raises(ValueError):
        ticket_day(datetime(2026, 11, 28, 12, 0))


def test_ticket_format_and_normalisation() -> None:
    assert format_ticket(date(2026, 11, 28), 42) == "TY20261128-0042"
    assert format_ticket(date(2026, 11, 28), 10042) == "TY20261128-10042"
    assert normalise_ticket("ty20261128 0042") == "TY20261128-0042"
    assert normalise_ticket("TY20261128－0042") == "TY20261128-0042"
    assert normalise_ticket("TY2026112-0042") is None
    assert normalise_ticket("' OR 1=1 --") is None


def test_tickets_restart_each_shanghai_day(settings) -> None:
    Session = get_sessionmaker(settings.database_url)
    payload = ComplaintCreate(text="跨天测试", channel="api")
    times = [
        datetime(2026, 11, 28, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 28, 15, 59, tzinfo=UTC),
        datetime(2026, 11, 28, 16, 1, tzinfo=UTC),
    ]
    with Session() as session:
        tickets = [
            file_complaint(session=session, payload=payload, now=t).complaint.ticket for t in times
        ]
    assert tickets == ["TY20261128-0001", "TY20261128-0002", "TY20261129-0001"]


def test_time_limits_follow_the_sichuan_12345_rules_with_sources() -> None:
    limits = load_time_limits()
    assert set(limits.levels) >= {"urgent", "normal"}
    assert limits.confirmed is True
    assert {k: v.working_days for k, v in limits.kinds.items()} == {
        "咨询": 3,
        "求助": 7,
        "意见建议": 7,
        "投诉举报": 15,
    }
    assert limits.levels["normal"].finish.working_days == limits.kinds["投诉举报"].working_days
    for level in limits.levels.values():
        for limit in (level.sign_for, level.reply, level.finish):
            assert limit.source
    assert limits.level_for("紧急")[0] == "urgent"
    assert limits.level_for(None)[0] == limits.default_level
    assert limits.level_for("不知道")[0] == limits.default_level


def test_working_days_skip_weekends_and_holidays() -> None:
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Fri → Mon
    assert add_working_days(date(2026, 9, 30), 1) > date(2026, 10, 7)  # National Day week
    promise, due = expected_reply(urgency="normal", filed_at=datetime(2026, 11, 27, 2, tzinfo=UTC))
    days = load_time_limits().levels["normal"].reply.working_days
    assert promise == f"{days} 个工作日内答复"
    assert due == add_working_days(date(2026, 11, 27), days or 0)


def test_pin_hash_round_trip() -> None:
    pin = new_pin()
    assert len(pin) == 6 and pin.isdigit()
    stored = hash_pin(pin)
    assert pin not in stored
    assert check_pin(pin, stored)
    assert not check_pin(f"{(int(pin) + 1) % 10**6:06d}", stored)
    assert not check_pin(pin, "garbage")
    assert hash_pin(pin) != stored  # salted


def test_verify_rules() -> None:
    stored = hash_pin("024680")
    assert verify("024680", pin_hash=stored, phone=None)
    assert verify("5678", pin_hash=stored, phone="13812345678")
    assert not verify("5678", pin_hash=stored, phone=None)
    assert not verify("4680", pin_hash=stored, phone=None)
    assert not verify("024680", pin_hash=None, phone=None)


def test_triage_summary_from_departments() -> None:
    summary = summarise(
        {
            "urgency": "normal",
            "category": "备案",
            "departments": [
                {"name": "乡镇（街道）", "role": "配合"},
                {"name": "区卫生健康局", "role": "牵头"},
            ],
        }
    )
    assert summary.lead_department == "区卫生健康局"
    assert summary.departments == ["乡镇（街道）", "区卫生健康局"]
    assert summarise({"departments": ["区妇联"]}).lead_department == "区妇联"
    assert summarise(None).lead_department is None


def test_masking() -> None:
    masked = mask_pii("娃他爸电话 13881234567 你们打这个")
    assert "13881234567" not in masked
    assert mask_phone("13881234567") == "138****4567"
    assert mask_phone("3331234") == "***1234"
    assert mask_phone(None) is None


def test_states_are_the_workflow_states() -> None:
    assert STATES == (
        "待派单",
        "已派单",
        "已签收",
        "办理中",
        "已办结",
        "已回访",
        "退回",
        "延期",
        "重办",
    )


def test_a_ticket_is_found_inside_a_message_however_it_is_typed() -> None:
    assert find_ticket("帮我查 ty 20261128 0042 的进度") == "TY20261128-0042"
    assert find_ticket("工单TY20261128-0042") == "TY20261128-0042"
    assert find_ticket("投诉以后多少天有答复") is None
