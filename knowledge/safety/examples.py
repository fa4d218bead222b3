"""The reviewed labelled messages (data/safety/labelled.yml) and their fixed train / held-out split."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.safety.classifier import Example
from knowledge.safety.signals import CLASSES, DATA
from knowledge.text import normalize

LABELLED = DATA / "labelled.yml"
COMPLAINTS = DATA.parent / "triage" / "labelled_complaints.yml"
HELD_OUT_SHARE = 30  # percent of the labelled messages never used to fit or to choose the threshold
# An urgent complaint's category says which emergency it is (房屋安全: collapse, a 119 rescue).
URGENT_CLASS = {
    "治安/虐童/安全防范": "police",
    "消防": "fire",
    "房屋安全/施工": "fire",
}


def _bucket(text: str) -> int:
    """A stable 0–99 bucket from the message itself, so the split never depends on file order."""
    return int(hashlib.md5(normalize(text).encode("utf-8")).hexdigest()[:8], 16) % 100


@lru_cache(maxsize=1)
def labelled(path: Path = LABELLED) -> tuple[Example, ...]:
    """Every labelled message; an unknown class fails loudly."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in raw["items"]:
        if item["emergency"] not in CLASSES:
            raise ValueError(f"{path}: unknown class {item['emergency']!r} for {item['text']!r}")
        out.append(Example(text=str(item["text"]), label=str(item["emergency"])))
    return tuple(out)


@lru_cache(maxsize=1)
def complaint_examples() -> tuple[Example, ...]:
    """The triage set's tuning part (every third complaint stays held out for triage's own figures)."""
    raw = yaml.safe_load(COMPLAINTS.read_text(encoding="utf-8"))["complaints"]
    return tuple(
        Example(
            text=str(c["text"]),
            label=URGENT_CLASS.get(c["category"], "medical")
            if c["urgency"] == "urgent"
            else "none",
            kind="complaint",
        )
        for i, c in enumerate(raw)
        if i % 3 != 2
    )


def ordinary_examples() -> list[Example]:
    """The assistant's ordinary messages (knowledge.safety.ordinary), none already in the labelled set."""
    from knowledge.safety.ordinary import ordinary

    known = frozenset(normalize(e.text) for e in labelled())
    return [Example(text=t, label="none") for t in ordinary(known)]


def training() -> list[Example]:
    """What the shipped detector learns from: every labelled message, the complaints' tuning part and
    the ordinary messages."""
    return [*labelled(), *complaint_examples(), *ordinary_examples()]


def split() -> tuple[list[Example], list[Example]]:
    """(train, held_out) of the labelled messages; the held-out part is only ever scored."""
    items = labelled()
    train = [e for e in items if _bucket(e.text) >= HELD_OUT_SHARE]
    held = [e for e in items if _bucket(e.text) < HELD_OUT_SHARE]
    return [*train, *complaint_examples(), *ordinary_examples()], held
