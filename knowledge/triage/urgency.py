"""Decide whether a complaint is urgent (a child at immediate risk) from the signals data file."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.triage.loader import load_urgency
from knowledge.triage.models import UrgencySignal

_CLAUSE = re.compile(r"[^，,。.!！?？;；\n…~～]+")


@dataclass(frozen=True)
class UrgencyResult:
    """urgent/normal, the signals that decided it ("label：words") and category boosts they carry."""

    urgency: str
    signals: list[str]
    boosts: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rules:
    """Compiled urgency data: signal patterns, group contexts, hedges, negations, resolution."""

    signals: list[tuple[UrgencySignal, re.Pattern[str]]]
    contexts: dict[str, re.Pattern[str]]
    hedge: re.Pattern[str]
    negation: re.Pattern[str] | None
    over: re.Pattern[str] | None
    still_at_risk: re.Pattern[str] | None


def _any(patterns: list[str]) -> re.Pattern[str] | None:
    """One regex matching any of `patterns`, or None for an empty list."""
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@lru_cache
def _rules() -> _Rules:
    """The urgency data file, compiled once."""
    data = load_urgency()
    contexts = {s.label: _any(s.context) for s in data.signals if s.context}
    res = data.resolution
    return _Rules(
        signals=[(s, re.compile(p)) for s in data.signals for p in s.patterns],
        contexts={k: v for k, v in contexts.items() if v is not None},
        hedge=re.compile("|".join(map(re.escape, data.hedges))),
        negation=_any(data.negations),
        over=_any(res.over) if res else None,
        still_at_risk=_any(res.still_at_risk) if res else None,
    )


def _resolved(rules: _Rules, text: str) -> bool:
    """The text says the incident is over and the child is fine, and nothing says otherwise."""
    if rules.over is None or not rules.over.search(text):
        return False
    return rules.still_at_risk is None or not rules.still_at_risk.search(text)


def assess(*, text: str) -> UrgencyResult:
    """Urgent when an unhedged, unnegated clause carries a signal; one entry per signal group.

    A group with a context needs it somewhere in the text; a resolvable group (one child's injury,
    a child found again) still boosts its category but is not urgent once the text says it is over.
    """
    rules = _rules()
    resolved = _resolved(rules, text)
    found: dict[str, str] = {}
    boosts: dict[str, float] = {}
    for clause in _CLAUSE.finditer(text):
        part = clause.group(0)
        if rules.negation is not None and rules.negation.search(part):
            continue
        for group, pattern in rules.signals:
            if group.label in found:
                continue
            context = rules.contexts.get(group.label)
            if context is not None and not context.search(text):
                continue
            match = pattern.search(part)
            if not match or rules.hedge.search(part[: match.start()]):
                continue
            boosts[group.category] = max(boosts.get(group.category, 0.0), group.boost)
            if not (group.resolvable and resolved):
                found[group.label] = match.group(0)
    return UrgencyResult(
        urgency="urgent" if found else "normal",
        signals=[f"{label}：{words}" for label, words in found.items()],
        boosts=boosts,
    )
