"""Exports: the queue as CSV (UTF-8 with BOM, for Excel), triage overrides as JSON lines and as training data."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintEvent
from api.complaints.redact import mask_phone, mask_pii
from api.complaints.tickets import TICKET_TZ
from api.db import utcnow
from api.staff.schemas import Stats
from api.staff.service import Filters, Viewer, load_rows, shown_text

HEADER = [
    "工单号",
    "类型",
    "状态",
    "紧急程度",
    "类别",
    "主办部门",
    "协办部门",
    "机构",
    "地点",
    "时间",
    "渠道",
    "受理时间",
    "截止时间",
    "时限",
    "重复数",
    "内容",
]
CONTACT = "联系电话"
SLA_NAMES = {"green": "正常", "yellow": "临期", "red": "超期", "none": "—"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text for a spreadsheet cell; formula-looking values are defused with a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def phone_text(phone: str | None, *, masked: bool = False) -> str:
    """A phone as a text cell: a leading tab makes Excel and LibreOffice keep 0812… as typed.

    (A leading apostrophe shows up literally when a CSV is opened; ="…" is a formula, which the
    export otherwise never writes, and LibreOffice evaluates only with "Evaluate formulas" on.)
    tests/api/test_csv_spreadsheet.py opens the export in LibreOffice. Masked when asked.
    """
    if not phone:
        return ""
    return "\t" + (mask_phone(phone) or "") if masked else "\t" + phone


def _local(dt: object) -> str:
    """Local (Asia/Shanghai) time for people reading the sheet."""
    return f"{dt.astimezone(TICKET_TZ):%Y-%m-%d %H:%M}" if dt is not None else ""  # type: ignore[attr-defined]


def export_csv(session: Session, *, viewer: Viewer, filters: Filters) -> str:
    """The filtered queue as CSV text with BOM; numbers exported in clear are audited per case."""
    rows = load_rows(session, viewer=viewer, filters=filters, now=utcnow())
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER + ([CONTACT] if viewer.full_contact else []))
    for row in rows:
        c = row.complaint
        departments = list(c.departments or [])
        cells = [
            c.ticket,
            "转人工留言" if c.kind == "handoff" else "投诉",
            c.state,
            c.urgency,
            c.category,
            c.lead_department,
            "、".join(d for d in departments if d != c.lead_department),
            c.institution,
            c.place,
            c.when_text,
            c.channel,
            _local(c.created_at),
            _local(row.deadline.due_at if row.deadline else None),
            SLA_NAMES[row.sla],
            len(row.repeats),
            shown_text(viewer, c.text),
        ]
        out_cells = [_cell(v) for v in cells]
        if viewer.full_contact:
            out_cells.append(phone_text(c.phone))
            if c.phone:
                session.add(
                    ComplaintEvent(
                        complaint_id=c.id,
                        at=utcnow(),
                        actor=viewer.actor,
                        action="contact_exported",
                        note="导出 CSV（含来电号码）",
                        from_state=c.state,
                        to_state=None,
                    )
                )
        writer.writerow(out_cells)
    session.commit()
    return out.getvalue()


STATS_HEADER = [
    "维度",
    "名称",
    "受理量",
    "办结量",
    "按时办结量",
    "按时办结率",
    "重办量",
    "重办率",
    "回访量",
    "满意量",
    "满意率",
    "当前超期",
    "催办次数",
]


def _percent(rate: float | None) -> str:
    """0.875 → 87.5%; no base → —."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def stats_csv(stats: Stats) -> str:
    """The report as CSV with BOM: one row for all cases, then per department, then per month."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(STATS_HEADER)
    rows = [("合计", stats.totals)]
    rows += [("部门", t) for t in stats.departments] + [("月份", t) for t in stats.months]
    for dimension, t in rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    dimension,
                    t.name,
                    t.cases,
                    t.resolved,
                    t.on_time,
                    _percent(t.on_time_rate),
                    t.reopened,
                    _percent(t.reopen_rate),
                    t.follow_ups,
                    t.satisfied,
                    _percent(t.satisfaction_rate),
                    t.overdue_now,
                    t.urges,
                )
            ]
        )
    writer.writerow([])
    for label, value in (
        ("签收用时中位数（小时）", stats.median_hours_to_accept),
        ("办结用时中位数（小时）", stats.median_hours_to_resolve),
        ("办结用时中位数（工作日）", stats.median_working_days_to_resolve),
    ):
        writer.writerow([label, "—" if value is None else value])
    return out.getvalue()


def triage_overrides(session: Session) -> str:
    """One JSON line per recorded override (suggested vs chosen departments), oldest first."""
    stmt = (
        select(ComplaintEvent, Complaint)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.action == "triage_override")
        .order_by(ComplaintEvent.id)
    )
    lines = []
    for event, complaint in session.execute(stmt):
        try:
            change = json.loads(event.note or "{}")
        except ValueError:
            continue
        lines.append(
            json.dumps(
                {
                    "ticket": complaint.ticket,
                    "at": event.at.isoformat(),
                    "actor": event.actor,
                    "text": mask_pii(complaint.text),
                    "category": complaint.category,
                    "suggested": change.get("suggested", []),
                    "chosen": change.get("chosen", []),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    return "".join(lines)


def _machine_departments(complaint: Complaint) -> list[str]:
    """The departments the app's triage suggested, lead first."""
    raw = (complaint.triage or {}).get("departments") or []
    names = [d if isinstance(d, str) else (d or {}).get("name") for d in raw]
    return [str(n) for n in names if n]


def corrected_cases(session: Session) -> list[Complaint]:
    """Complaints whose departments or category staff changed from what triage suggested."""
    stmt = select(Complaint).where(Complaint.kind == "complaint").order_by(Complaint.id)
    out = []
    for complaint in session.scalars(stmt):
        machine = complaint.triage or {}
        if not machine or not complaint.departments:
            continue
        moved = list(complaint.departments) != _machine_departments(complaint)
        recategorised = complaint.category != machine.get("category")
        if moved or recategorised:
            out.append(complaint)
    return out


def overrides_training_set(session: Session) -> str:
    """Staff corrections in the format of knowledge/data/triage/*.yml (text PII-masked), for make train.

    Review the file, then add it to knowledge/data/triage/corrections.yml (or pass it as TRIAGE_EXTRA).
    """
    import yaml

    items = [
        {
            "text": mask_pii(c.text),
            "departments": list(c.departments or []),
            "also_ok": [],
            "urgency": c.urgency if c.urgency in ("urgent", "normal") else "normal",
            "category": c.category,
        }
        for c in corrected_cases(session)
    ]
    header = (
        "# Staff corrections of triage (departments/category changed on 派单/改派), exported from the\n"
        "# case store; text PII-masked. Review before adding to knowledge/data/triage/corrections.yml.\n"
    )
    body = yaml.safe_dump({"complaints": items}, allow_unicode=True, sort_keys=False, width=200)
    return header + body
