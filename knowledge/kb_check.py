"""`make kb-check`: entries whose sources expired or were superseded, and sources not checked recently."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pydantic import BaseModel

from knowledge.clock import today
from knowledge.loader import load_knowledge
from knowledge.sources import stale_citations, status

CHECK_EVERY_DAYS = 180


class SourceRow(BaseModel):
    """One registered document as the admin sees it."""

    id: str
    label: str
    series: str
    status: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    supersedes: str | None
    last_checked: dt.date | None
    check_due: bool
    record: bool
    note: str
    reported: list[str]


def source_rows(on: dt.date | None = None) -> list[SourceRow]:
    """Every document with its status on `on` and whether it is due for a re-check."""
    day = on or today()
    rows = []
    for doc in load_knowledge().documents.values():
        checked = doc.last_checked
        rows.append(
            SourceRow(
                id=doc.id,
                label=doc.display,
                series=doc.series or doc.id,
                status=status(doc, day),
                effective_from=doc.effective_from,
                effective_to=doc.effective_to,
                supersedes=doc.supersedes,
                last_checked=checked,
                check_due=checked is None or (day - checked).days > CHECK_EVERY_DAYS,
                record=doc.record,
                note=doc.note,
                reported=list(doc.reported),
            )
        )
    return sorted(rows, key=lambda r: (r.series, r.effective_from or dt.date.min))


def problems(on: dt.date | None = None) -> list[str]:
    """One line per entry that rests on an expired or superseded document (the plan's quoted 2016 rule included)."""
    entries = load_knowledge().entries
    lines = [
        f"{s.entry_id}: cites {s.doc} ({s.reason}"
        + (f", replaced by {s.replaced_by})" if s.replaced_by else ")")
        for s in stale_citations(entries, on)
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--on", type=dt.date.fromisoformat, default=None, help="check date (YYYY-MM-DD)"
    )
    args = parser.parse_args()
    day = args.on or today()
    print(f"sources on {day.isoformat()}:")
    for row in source_rows(day):
        flag = "  re-check" if row.check_due else ""
        print(f"  {row.status:10s} {row.id:32s} last checked {row.last_checked}{flag}")
    found = problems(day)
    print(f"\nentries resting on expired or superseded sources: {len(found)}")
    for line in found:
        print("  " + line)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
