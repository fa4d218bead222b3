"""The case store's link to triage: the app triages every filed text itself (knowledge.triage).

`run_triage` returns the domain's result as a dict (`departments: [{name, role, reason, basis}]`,
`urgency`, `category`, facts, PII spans); `summarise` reads the fields the store keeps. A triage that
breaks degrades to None, never to a refused complaint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from knowledge.triage import triage

log = logging.getLogger(__name__)

LEAD_ROLES = {"lead", "牵头", "主办", "主责", "primary"}


@dataclass(frozen=True)
class TriageSummary:
    """The triage fields copied onto the complaint row for routing and reporting."""

    category: str | None = None
    urgency: str | None = None
    lead_department: str | None = None
    departments: list[str] = field(default_factory=list)


def run_triage(*, text: str) -> dict[str, Any] | None:
    """The app's own triage as a JSON-able dict, or None if it fails."""
    try:
        result = triage(text=text)
    except Exception as exc:  # a complaint is never refused because triage broke
        log.warning("triage failed (%s); complaint filed without triage", type(exc).__name__)
        return None
    return dict(result.model_dump(mode="json"))


def _short(value: Any, limit: int) -> str | None:
    """String column value cut to its width; None stays None."""
    return None if value in (None, "") else str(value)[:limit]


def summarise(triage: dict[str, Any] | None) -> TriageSummary:
    """Category, urgency, lead department and department names from a triage dict."""
    if not triage:
        return TriageSummary()
    raw = triage.get("departments") or []
    names: list[str] = []
    lead: str | None = _short(triage.get("lead_department"), 64)
    for item in raw if isinstance(raw, list) else []:
        name = item if isinstance(item, str) else (item or {}).get("name")
        if not name:
            continue
        names.append(str(name))
        role = "" if isinstance(item, str) else str(item.get("role") or "").lower()
        if lead is None and role in LEAD_ROLES:
            lead = _short(name, 64)
    if lead is None and names:
        lead = _short(names[0], 64)
    return TriageSummary(
        category=_short(triage.get("category"), 64),
        urgency=_short(triage.get("urgency"), 16),
        lead_department=lead,
        departments=names,
    )
