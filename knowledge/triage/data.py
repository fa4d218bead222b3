"""The reviewed labelled complaints the department model learns from, and their fixed held-out split.

Three sources, one format (`LabelledComplaint`): labelled_complaints.yml, complaints_extra.yml and the
reviewed staff corrections (corrections.yml, written from the override export). `TRIAGE_EXTRA` may
name more files in the same format (e.g. a fresh override export) for `make train`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.triage.loader import TRIAGE, TriageDataError, load_categories, load_departments
from knowledge.triage.models import LabelledComplaint

LABELLED = TRIAGE / "labelled_complaints.yml"
EXTRA = TRIAGE / "complaints_extra.yml"
CORRECTIONS = TRIAGE / "corrections.yml"
# every third complaint of labelled_complaints.yml (the emergency detector never fits on those either)
# and every fifth of complaints_extra.yml are held out: never fitted on, never used to choose anything
HELD_OUT_EVERY = {LABELLED.name: 3, EXTRA.name: 5}


def _read(path: Path) -> list[LabelledComplaint]:
    """One file of labelled complaints, each department checked against the one department list."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items = [LabelledComplaint.model_validate(c) for c in raw.get("complaints") or []]
    except (OSError, yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise TriageDataError(f"{path}: {exc}") from exc
    known = load_departments()
    categories = {c.name for c in load_categories().categories}
    for item in items:
        for name in (*item.departments, *item.also_ok):
            if name not in known:
                raise TriageDataError(f"{path}: unknown department {name!r} in {item.text[:30]!r}")
        if item.category is not None and item.category not in categories:
            raise TriageDataError(f"{path}: unknown category {item.category!r}")
    return items


def extra_paths() -> list[Path]:
    """Files named in TRIAGE_EXTRA (os.pathsep-separated) that exist."""
    raw = os.environ.get("TRIAGE_EXTRA", "")
    return [Path(p) for p in raw.split(os.pathsep) if p and Path(p).is_file()]


def source_paths() -> list[Path]:
    """Every file the model is trained from, in a fixed order."""
    paths = [LABELLED, EXTRA]
    if CORRECTIONS.is_file():
        paths.append(CORRECTIONS)
    return paths + extra_paths()


@lru_cache(maxsize=1)
def split() -> tuple[tuple[LabelledComplaint, ...], tuple[LabelledComplaint, ...]]:
    """(train, held_out): the held-out part is fixed by position; a correction replaces its original."""
    train: list[LabelledComplaint] = []
    held: list[LabelledComplaint] = []
    reviewed = [p for p in source_paths() if p.name not in HELD_OUT_EVERY or p.parent != TRIAGE]
    corrected: dict[str, LabelledComplaint] = {}
    for path in reviewed:
        corrected.update((item.text, item) for item in _read(path))
    for path in (LABELLED, EXTRA):
        every = HELD_OUT_EVERY[path.name]
        for i, item in enumerate(_read(path)):
            if item.text in corrected:
                continue
            (held if i % every == every - 1 else train).append(item)
    train.extend(corrected.values())
    return tuple(train), tuple(held)


def everything() -> tuple[LabelledComplaint, ...]:
    """Train and held-out together: what the shipped model is fitted on."""
    train, held = split()
    return train + held
