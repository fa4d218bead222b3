"""Exports: the queue as CSV (UTF-8 with BOM, for Excel) and triage overrides as JSON lines."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintEvent
from api.complaints.redact import mask_pii
from api.complaints.tickets import TICKET_TZ
from api.db import utcnow
from api.staff.service import Filters, Viewer, load_rows

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
            c.text if viewer.full_contact else mask_pii(c.text),
        ]
        if viewer.full_contact:
            cells.append(c.phone)
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
        writer.writerow([_cell(v) for v in cells])
    session.commit()
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
