"""The hand-labelled questions (data/questions/*.yml) and their fixed train / held-out split.

The split is decided by a hash of the normalised text, never by file order, so adding questions never
moves old ones between the sides. The held-out side is never used to fit, to choose the fusion or to
choose an operating point: only `python -m knowledge.evaluate` reads it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.loader import DATA_DIR
from knowledge.pinyin import readable
from knowledge.text import normalize

QUESTIONS_DIR = DATA_DIR / "questions"
HELD_OUT_SHARE = 20  # percent of the labelled questions kept aside for the held-out figures
LABELS = ("answer", "clarify", "out_of_scope", "human")


@dataclass(frozen=True)
class Question:
    """One labelled question: its label and, for answers, the entries that answer it."""

    text: str
    label: str
    entries: tuple[str, ...] = ()
    kind: str = ""
    file: str = ""

    @property
    def held_out(self) -> bool:
        """True for the fixed 20 % kept aside (hash of the text as searched).

        A question typed in pinyin is searched as the Chinese it reads as (knowledge.pinyin.readable), so
        its bucket is that of its reading: 「zhengce」 and 「政策」, or 「peichanjia ji tian」 and
        「陪产假几天」, always fall on the same side. For any other text the reading is the normalised text.
        """
        return bucket(readable(self.text)) < HELD_OUT_SHARE


def bucket(text: str) -> int:
    """A stable 0–99 bucket from the text itself."""
    return int(hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()[:8], 16) % 100


def _parse(item: dict[str, object], name: str) -> Question:
    """One YAML item as a Question."""
    text = str(item["text"])
    if "entry" in item:
        return Question(text=text, label="answer", entries=(str(item["entry"]),), file=name)
    if "entries" in item:
        targets = item["entries"]
        assert isinstance(targets, list)
        return Question(text=text, label="answer", entries=tuple(map(str, targets)), file=name)
    return Question(text=text, label=str(item["label"]), kind=str(item.get("kind", "")), file=name)


@lru_cache(maxsize=4)
def labelled(directory: Path = QUESTIONS_DIR) -> tuple[Question, ...]:
    """Every labelled question of every file, in file order."""
    out: list[Question] = []
    for path in sorted(directory.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.extend(_parse(item, path.name) for item in raw.get("questions", []))
    return tuple(out)


def split(directory: Path = QUESTIONS_DIR) -> tuple[list[Question], list[Question]]:
    """(train, held_out): the same questions fall on the same side every time."""
    items = labelled(directory)
    return [q for q in items if not q.held_out], [q for q in items if q.held_out]


def fingerprint(items: list[Question] | tuple[Question, ...]) -> str:
    """Content hash of the questions: a change in any text or label rebuilds what depends on them."""
    digest = hashlib.sha256()
    for q in items:
        digest.update(f"{q.label}\t{','.join(q.entries)}\t{q.text}\n".encode())
    return digest.hexdigest()[:16]
