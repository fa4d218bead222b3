"""Decide whether a complaint is urgent (a child at immediate risk) from the signals data file."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from api.triage.loader import load_urgency
from api.triage.models import UrgencySignal

_CLAUSE = re.compile(r"[^，,。.!！?？;；\n…~～]+")


@dataclass(frozen=True)
class UrgencyResult:
    """urgent/normal, the signals that decided it ("label：words") and category boosts they carry."""

    urgency: str
    signals: list[str]
    boosts: dict[str, float] = field(default_factory=dict)


@lru_cache
def _rules() -> tuple[
    list[tuple[UrgencySignal, re.Pattern[str]]], re.Pattern[str], re.Pattern[str] | None
]:
    """Compiled (signal group, pattern) pairs, the hedge regex and the negation regex."""
    data = load_urgency()
    signals = [(s, re.compile(p)) for s in data.signals for p in s.patterns]
    hedge = re.compile("|".join(map(re.escape, data.hedges)))
    negation = re.compile("|".join(data.negations)) if data.negations else None
    return signals, hedge, negation


def assess(*, text: str) -> UrgencyResult:
    """Urgent when an unhedged, unnegated clause carries a signal; one entry per signal group."""
    signals, hedge, negation = _rules()
    found: dict[str, str] = {}
    boosts: dict[str, float] = {}
    for clause in _CLAUSE.finditer(text):
        part = clause.group(0)
        if negation is not None and negation.search(part):
            continue
        for group, pattern in signals:
            if group.label in found:
                continue
            match = pattern.search(part)
            if not match or hedge.search(part[: match.start()]):
                continue
            found[group.label] = match.group(0)
            boosts[group.category] = max(boosts.get(group.category, 0.0), group.boost)
    return UrgencyResult(
        urgency="urgent" if found else "normal",
        signals=[f"{label}：{words}" for label, words in found.items()],
        boosts=boosts,
    )
