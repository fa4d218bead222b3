"""The hand-labelled questions for the answer decision model load, point at real entries and are varied enough to train on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.loader import DATA_DIR

QUESTIONS_DIR = DATA_DIR / "questions"
ENTRIES_DIR = DATA_DIR / "entries"
LABELS = {"out_of_scope", "clarify", "human"}
OOS_KINDS = {
    "other_province",
    "other_city",
    "medical",
    "weather",
    "shopping",
    "travel",
    "education_k12",
    "finance",
    "housing",
    "pension",
    "chitchat",
    "legal_other",
    "government_other",
    "tech",
    "food",
    "entertainment",
    "other_business",
}
MIN_PER_ENTRY = 10


def _entry_ids() -> set[str]:
    """Every entry id in the packaged entries files."""
    ids: set[str] = set()
    for path in sorted(ENTRIES_DIR.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            ids.add(item["id"])
    return ids


def _load(path: Path) -> list[dict[str, Any]]:
    """One questions file's items, failing on a wrong top level."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) == {"questions"}, path.name
    items = data["questions"]
    assert isinstance(items, list) and items, path.name
    return items


@pytest.fixture(scope="module")
def files() -> dict[str, list[dict[str, Any]]]:
    """All questions files by name."""
    paths = sorted(QUESTIONS_DIR.glob("*.yml"))
    assert paths, "no questions files"
    return {p.name: _load(p) for p in paths}


def _targets(item: dict[str, Any]) -> list[str]:
    """The entry ids an in-scope item names (entry or entries)."""
    if "entry" in item:
        return [item["entry"]]
    return list(item.get("entries", []))


def _malformed(item: dict[str, Any]) -> bool:
    """True when an item lacks text, mixes target kinds, or uses an unknown label or kind."""
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return True
    if len({"entry", "entries", "label"} & set(item)) != 1:
        return True
    if "entries" in item:
        return not isinstance(item["entries"], list) or len(item["entries"]) < 2
    if "label" in item:
        if item["label"] not in LABELS:
            return True
        return item["label"] == "out_of_scope" and item.get("kind") not in OOS_KINDS
    return not isinstance(item["entry"], str)


def test_every_item_has_text_and_exactly_one_kind_of_label(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    bad = [(name, item) for name, items in files.items() for item in items if _malformed(item)]
    assert not bad, bad[:10]


def test_every_entry_id_exists(files: dict[str, list[dict[str, Any]]]) -> None:
    ids = _entry_ids()
    unknown = {
        (name, t)
        for name, items in files.items()
        for item in items
        for t in _targets(item)
        if t not in ids
    }
    assert not unknown, sorted(unknown)


def test_questions_file_per_entries_file_and_per_entry_minimum(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    for path in ENTRIES_DIR.glob("*.yml"):
        assert path.name in files, f"no questions/{path.name}"
    counts: Counter[str] = Counter()
    covered: set[str] = set()
    for items in files.values():
        for item in items:
            for target in _targets(item):
                counts[target] += 1
                covered.add(target)
    thin = {t: counts[t] for t in covered if counts[t] < MIN_PER_ENTRY}
    assert not thin, thin
    # Every entry has its questions.
    assert covered == _entry_ids(), sorted(_entry_ids() - covered)


def test_no_duplicate_texts(files: dict[str, list[dict[str, Any]]]) -> None:
    seen: Counter[str] = Counter(
        "".join(item["text"].split()).casefold() for items in files.values() for item in items
    )
    dupes = [t for t, n in seen.items() if n > 1]
    assert not dupes, dupes


def test_enough_negatives_and_near_misses(files: dict[str, list[dict[str, Any]]]) -> None:
    labels = Counter(item["label"] for items in files.values() for item in items if "label" in item)
    kinds = Counter(
        item["kind"]
        for items in files.values()
        for item in items
        if item.get("label") == "out_of_scope"
    )
    assert labels["out_of_scope"] >= 350
    assert labels["clarify"] >= 60
    assert labels["human"] >= 40
    for near_miss in (
        "other_province",
        "other_city",
        "medical",
        "weather",
        "shopping",
        "education_k12",
    ):
        assert kinds[near_miss] >= 15, kinds
