"""Score triage against labelled complaints with the metrics of shared/eval/README.md."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from knowledge.triage.assign import triage
from knowledge.triage.model import Model
from knowledge.triage.models import TriageResult


def _ratio(num: int, den: int) -> float | None:
    """num/den, or None when nothing was counted."""
    return round(num / den, 4) if den else None


def with_model(department_model: Model) -> Callable[[str], TriageResult]:
    """The production triage with another department model (the train-only one, for held-out figures)."""

    def predict(text: str) -> TriageResult:
        return triage(text=text, department_model=department_model)

    return predict


def _default_predict(text: str) -> TriageResult:
    """The production triage."""
    return triage(text=text)


def score(
    items: Iterable[Mapping[str, Any]],
    *,
    predict: Callable[[str], TriageResult] = _default_predict,
) -> dict[str, Any]:
    """Lead accuracy, department-set accuracy, urgent recall/precision and the lead confusion table.

    Each item needs text, departments (lead first), also_ok (optional) and urgency.
    """
    n = lead_ok = set_ok = 0
    urgent_tp = urgent_fn = urgent_fp = 0
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    failures: list[dict[str, Any]] = []
    for item in items:
        expected = list(item["departments"])
        allowed = set(expected) | set(item.get("also_ok") or [])
        result = predict(item["text"])
        got = [d.name for d in result.departments]
        n += 1
        lead_hit = bool(got) and got[0] == expected[0]
        set_hit = set(got) <= allowed and set(expected) <= set(got)
        lead_ok += lead_hit
        set_ok += set_hit
        confusion[expected[0]][got[0] if got else "(none)"] += 1
        want_urgent = item.get("urgency") == "urgent"
        got_urgent = result.urgency == "urgent"
        urgent_tp += want_urgent and got_urgent
        urgent_fn += want_urgent and not got_urgent
        urgent_fp += got_urgent and not want_urgent
        if not (lead_hit and set_hit) or want_urgent != got_urgent:
            failures.append(
                {
                    "text": item["text"],
                    "expected": expected,
                    "got": got,
                    "category": result.category,
                    "urgency": [item.get("urgency"), result.urgency],
                }
            )
    return {
        "n": n,
        "lead_accuracy": _ratio(lead_ok, n),
        "set_accuracy": _ratio(set_ok, n),
        "urgent_recall": _ratio(urgent_tp, urgent_tp + urgent_fn),
        "urgent_precision": _ratio(urgent_tp, urgent_tp + urgent_fp),
        "confusion": {lead: dict(row) for lead, row in sorted(confusion.items())},
        "failures": failures,
    }


def cross_validated(department_model: Model, items: Iterable[Any]) -> dict[str, Any]:
    """The k-fold figures stored in a fitted model: lead/set accuracy and the lead confusion table."""
    cv = department_model.cv
    items = list(items)
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for item, got in zip(items, cv["oof_leads"], strict=True):
        confusion[item.departments[0]][got] += 1
    return {
        "folds": cv["folds"],
        "n": cv["n"],
        "c": cv["c"],
        "lead_accuracy_by_c": cv["lead_accuracy_by_c"],
        "lead_accuracy": cv["lead_accuracy"],
        "set_accuracy": cv["set_accuracy"],
        "assist_threshold": cv["assist_threshold"],
        "confusion": {lead: dict(row) for lead, row in sorted(confusion.items())},
    }


def complaints_of(path: Path) -> list[dict[str, Any]]:
    """The `complaints` of an eval-format YAML file (dev.yml, safety-dev.yml), [] when it has none."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(raw.get("complaints") or [])


def confusion_table(confusion: Mapping[str, Mapping[str, int]]) -> str:
    """Rows = expected lead, columns = predicted lead (short names), for the terminal."""
    from knowledge.triage.loader import load_departments

    deps = load_departments()
    names = [d for d in deps if d in confusion or any(d in row for row in confusion.values())]
    short = {d: deps[d].short[:4] for d in names}
    head = "expected \\ got".ljust(14) + "".join(short[d].rjust(6) for d in names)
    lines = [head]
    for want in names:
        row = confusion.get(want, {})
        lines.append(
            short[want].ljust(14) + "".join(str(row.get(d, 0) or ".").rjust(6) for d in names)
        )
    return "\n".join(lines)


def summary(name: str, result: Mapping[str, Any], *, failures: bool = False) -> str:
    """One line of figures (and the failures when asked)."""
    keys = ("n", "lead_accuracy", "set_accuracy", "urgent_recall", "urgent_precision")
    line = f"{name}: " + ", ".join(f"{k}={result.get(k)}" for k in keys if k in result)
    if failures:
        for fail in result.get("failures", []):
            line += f"\n  want {fail['expected']} got {fail['got']} ({fail['category']}) {fail['text'][:50]}"
    return line


def facts_accuracy(path: Path) -> tuple[int, int, list[tuple[str, str | None, str | None]]]:
    """Fields right / fields scored on a labelled facts file (items: text + facts), and the misses."""
    from knowledge.text import normalize
    from knowledge.triage.facts import FACT_KEYS, extract_facts

    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    right = total = 0
    misses: list[tuple[str, str | None, str | None]] = []
    for item in items:
        got = extract_facts(text=normalize(item["text"]))
        for key in FACT_KEYS:
            want = item["facts"].get(key)
            total += 1
            right += got.get(key) == want
            if got.get(key) != want:
                misses.append((key, want, got.get(key)))
    return right, total, misses
