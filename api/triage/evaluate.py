"""Score triage against labelled complaints with the metrics of shared/eval/README.md."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from api.triage.schemas import TriageResponse
from api.triage.service import triage


def _ratio(num: int, den: int) -> float | None:
    """num/den, or None when nothing was counted."""
    return round(num / den, 4) if den else None


def _default_predict(text: str) -> TriageResponse:
    """The production triage."""
    return triage(text=text)


def score(
    items: Iterable[Mapping[str, Any]],
    *,
    predict: Callable[[str], TriageResponse] = _default_predict,
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
