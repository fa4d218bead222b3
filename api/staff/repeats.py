"""Repeat complaints: same institution (normalised name), or same place and category, within a window."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from knowledge.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "repeats.yml"
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


class RepeatRules(BaseModel):
    """The reviewed data file."""

    institution_suffixes: list[str]
    min_key_length: int = 2


@lru_cache
def load_rules(path: Path = DATA_FILE) -> RepeatRules:
    """Parse the data file once per process."""
    return RepeatRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _clean(text: str | None) -> str:
    """NFKC, simplified characters, no whitespace or punctuation."""
    if not text:
        return ""
    simplified = fold(text)
    return _DROP.sub("", simplified).lower()


def institution_key(name: str | None) -> str:
    """Comparable institution name ('' if too short to compare)."""
    rules = load_rules()
    key = _clean(name)
    for suffix in sorted(rules.institution_suffixes, key=len, reverse=True):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return key if len(key) >= rules.min_key_length else ""


def place_key(place: str | None) -> str:
    """Comparable place name ('' if too short)."""
    key = _clean(place)
    return key if len(key) >= load_rules().min_key_length else ""


@dataclass(frozen=True)
class CaseKey:
    """What repeat detection needs of a case."""

    id: int
    institution: str | None
    place: str | None
    category: str | None
    created_at: datetime


def repeat_groups(cases: list[CaseKey], *, window_days: int) -> dict[int, list[int]]:
    """For each case id, the ids of the other cases it repeats (within ±window_days), oldest first."""
    window = timedelta(days=window_days)
    buckets: dict[tuple[str, ...], list[CaseKey]] = defaultdict(list)
    for case in cases:
        if inst := institution_key(case.institution):
            buckets[("i", inst)].append(case)
        if (place := place_key(case.place)) and case.category:
            buckets[("p", place, case.category)].append(case)
    links: dict[int, set[int]] = defaultdict(set)
    for members in buckets.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda c: c.created_at)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if b.created_at - a.created_at > window:
                    break
                links[a.id].add(b.id)
                links[b.id].add(a.id)
    created = {c.id: c.created_at for c in cases}
    return {cid: sorted(others, key=lambda o: created[o]) for cid, others in links.items()}
