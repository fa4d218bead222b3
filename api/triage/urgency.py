"""Decide whether a complaint is urgent (a child at immediate risk) from the signals data file."""

import re
from dataclasses import dataclass
from functools import lru_cache

from api.triage.loader import load_urgency

_CLAUSE = re.compile(r"[^，,。.!！?？;；\n…~～]+")


@dataclass(frozen=True)
class UrgencyResult:
    """urgent/normal with the signals that decided it ("label：matched words")."""

    urgency: str
    signals: list[str]


@lru_cache
def _rules() -> tuple[list[tuple[str, re.Pattern[str]]], re.Pattern[str], re.Pattern[str] | None]:
    """Compiled (label, pattern) pairs, the hedge regex and the negation regex."""
    data = load_urgency()
    signals = [(s.label, re.compile(p)) for s in data.signals for p in s.patterns]
    hedge = re.compile("|".join(map(re.escape, data.hedges)))
    negation = re.compile("|".join(data.negations)) if data.negations else None
    return signals, hedge, negation


def assess(*, text: str) -> UrgencyResult:
    """Urgent when an unhedged, unnegated clause carries a signal; lists every such signal once."""
    signals, hedge, negation = _rules()
    found: list[str] = []
    for clause in _CLAUSE.finditer(text):
        part = clause.group(0)
        if negation is not None and negation.search(part):
            continue
        for label, pattern in signals:
            match = pattern.search(part)
            if not match:
                continue
            hedged = hedge.search(part[: match.start()])
            if hedged:
                continue
            found.append(f"{label}：{match.group(0)}")
    unique = list(dict.fromkeys(found))
    return UrgencyResult(urgency="urgent" if unique else "normal", signals=unique)
