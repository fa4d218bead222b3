"""Triage quality on the labelled complaints: held-out split, full set, balance of the set."""

from collections import Counter
from typing import Any

from knowledge.triage.evaluate import score
from knowledge.triage.loader import load_categories, load_departments


def _report(name: str, result: dict[str, Any]) -> None:
    """Print the metrics (visible with pytest -s or in -rA output)."""
    keys = ("n", "lead_accuracy", "set_accuracy", "urgent_recall", "urgent_precision")
    print(f"\n[{name}] " + ", ".join(f"{k}={result[k]}" for k in keys))
    for fail in result["failures"]:
        print(
            f"  miss: want {fail['expected']} got {fail['got']} ({fail['category']}) {fail['text'][:40]}"
        )


def test_labelled_set_is_large_balanced_and_canonical(complaints: list[dict[str, Any]]) -> None:
    assert len(complaints) >= 170
    deps = set(load_departments())
    cats = {c.name for c in load_categories().categories}
    per_cat = Counter(c["category"] for c in complaints)
    assert set(per_cat) <= cats
    assert min(per_cat.values()) >= 5, per_cat
    assert max(per_cat.values()) <= 3 * min(per_cat.values()), per_cat
    for item in complaints:
        assert set(item["departments"]) | set(item.get("also_ok") or []) <= deps, item["text"]
        assert item["urgency"] in {"urgent", "normal"}
    assert sum(c["urgency"] == "urgent" for c in complaints) >= 25


def test_holdout_accuracy(holdout: list[dict[str, Any]]) -> None:
    result = score(holdout)
    _report("holdout", result)
    assert result["lead_accuracy"] >= 0.85
    assert result["set_accuracy"] >= 0.75
    assert result["urgent_recall"] >= 0.9
    assert result["urgent_precision"] >= 0.6


def test_tuning_split_accuracy(tuning: list[dict[str, Any]]) -> None:
    result = score(tuning)
    _report("tuning", result)
    assert result["lead_accuracy"] >= 0.9
    assert result["set_accuracy"] >= 0.85
    assert result["urgent_recall"] >= 0.95
