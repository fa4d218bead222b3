"""The reviewed signal file (data/safety/signals.yml): lexical cues per class, time/mood markers, advice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.text import normalize

DATA = Path(__file__).resolve().parent.parent / "data" / "safety"
SIGNALS = DATA / "signals.yml"
EMERGENCIES = ("medical", "police", "fire")
CLASSES = (*EMERGENCIES, "none")
MARKERS = ("now", "past", "resolved", "hypothetical", "policy", "worry", "negation", "idiom")
NUMBERS = {"medical": "120", "police": "110", "fire": "119"}


@dataclass(frozen=True)
class Hit:
    """One matched cue: its class, its group (e.g. medical/choking) and the words that matched."""

    cls: str
    group: str
    words: str

    @property
    def label(self) -> str:
        return f"{self.cls}/{self.group}：{self.words}"


@dataclass(frozen=True)
class Lexicon:
    """Compiled signal file."""

    groups: tuple[tuple[str, str, re.Pattern[str]], ...]
    markers: dict[str, re.Pattern[str]]
    advice: dict[str, Any]


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Read and compile the signal file once; a bad regex fails loudly at start-up."""
    raw = yaml.safe_load(SIGNALS.read_text(encoding="utf-8"))
    groups = tuple(
        (cls, group, _any(patterns))
        for cls, spec in raw["classes"].items()
        for group, patterns in spec["groups"].items()
    )
    markers = {name: _any(raw["markers"][name]) for name in MARKERS}
    return Lexicon(groups=groups, markers=markers, advice=raw["advice"])


def hits(text: str) -> list[Hit]:
    """Every signal group that matches the normalised text (one hit per group)."""
    norm = normalize(text)
    found = []
    for cls, group, pattern in lexicon().groups:
        match = pattern.search(norm)
        if match:
            found.append(Hit(cls=cls, group=group, words=match.group(0)))
    return found


def markers(text: str) -> dict[str, bool]:
    """Which time and mood markers the text carries (now, past, resolved, what-if, policy…)."""
    norm = normalize(text)
    return {name: bool(pattern.search(norm)) for name, pattern in lexicon().markers.items()}
