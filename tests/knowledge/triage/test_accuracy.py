"""Triage quality on our labelled complaints: the held-out split, the k-fold figures, the set's balance."""

from collections import Counter
from typing import Any

from knowledge.triage.data import split
from knowledge.triage.evaluate import cross_validated, score, summary, with_model
from knowledge.triage.loader import load_categories, load_departments
from knowledge.triage.model import THRESHOLD_GRID, Model

# floors under the measured figures (see the report of `python -m knowledge.triage evaluate`)
LEAD_MIN = 0.88
SET_MIN = 0.82


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


def test_split_is_fixed_disjoint_and_large_enough() -> None:
    train, held = split()
    assert len(held) >= 300 and len(train) >= 1000
    assert not {c.text for c in train} & {c.text for c in held}
    assert split() == (train, held)


def test_holdout_accuracy(holdout: list[dict[str, Any]], train_only: Model) -> None:
    result = score(holdout, predict=with_model(train_only))
    print("\n" + summary("held-out", result, failures=True))
    assert result["lead_accuracy"] >= LEAD_MIN
    assert result["set_accuracy"] >= SET_MIN
    assert result["urgent_recall"] >= 0.9
    assert result["urgent_precision"] >= 0.6


def test_cross_validated_figures_and_the_trained_threshold(train_only: Model) -> None:
    train, _ = split()
    cv = cross_validated(train_only, train)
    print(f"\n{cv['folds']}-fold: lead {cv['lead_accuracy']} set {cv['set_accuracy']}")
    assert cv["n"] == len(train)
    assert cv["lead_accuracy"] >= LEAD_MIN and cv["set_accuracy"] >= SET_MIN
    # the assist threshold is the artefact's own, chosen on out-of-fold predictions
    assert train_only.assist_threshold == cv["assist_threshold"] in THRESHOLD_GRID
    assert sum(sum(row.values()) for row in cv["confusion"].values()) == len(train)
