"""Which department an entry sends people to, and the entry to give when a department is preferred."""

from __future__ import annotations

from knowledge.loader import Knowledge
from knowledge.models import Entry, ScoredEntry
from knowledge.triage.loader import department_names

PREFERRED_MIN = 0.2
PREFERRED_OVERRIDE_GAP = 0.15
GENERIC_DEPARTMENTS = 3


def departments() -> tuple[str, ...]:
    """Canonical department names (四、组织实施（一）（二）), from the triage package's one loader."""
    return department_names()


def named_departments(entry: Entry) -> list[str]:
    """Departments an entry's answer names, in the order it names them."""
    found = sorted((entry.answer.find(d), d) for d in departments() if d in entry.answer)
    return [d for _, d in found]


def lead_department(entry: Entry) -> str | None:
    """First department an entry's answer names (two answers sending people to the same place agree)."""
    named = named_departments(entry)
    return named[0] if named else None


def duty_entry(kb: Knowledge, department: str) -> Entry | None:
    """The entry stating a department's own duty clause (tagged with the department's name)."""
    return next(
        (e for e in kb.entries if department in e.tags and e.intents[0] == "ask_department_duty"),
        None,
    )


def for_department(kb: Knowledge, hits: list[ScoredEntry], department: str) -> Entry | None:
    """Best entry that sends the user to `department`.

    The best hit leading with the department wins, a specific one before a catch-all naming many
    departments; the top hit stays only when it sends to another department specifically and is
    clearly ahead (routing was a guess). Without a usable hit: the department's duty entry.
    """
    leading = [h for h in hits if lead_department(h.entry) == department]
    specific = [h for h in leading if len(named_departments(h.entry)) < GENERIC_DEPARTMENTS]
    pool = specific or leading
    best = pool[0] if pool else None
    if best is None or best.score < PREFERRED_MIN:
        return duty_entry(kb, department)
    top = hits[0]
    if (
        top is not best
        and lead_department(top.entry) not in (None, department)
        and len(named_departments(top.entry)) < GENERIC_DEPARTMENTS
        and top.score - best.score > PREFERRED_OVERRIDE_GAP
    ):
        return top.entry
    return best.entry
