"""The chat engine's department vocabulary, generated from the one department list.

`python -m knowledge.triage.vocab` (run by `make train` before the engine trains) rewrites, from
knowledge/data/triage/departments.yml:
- the `department` block of bot/lookup/entities.yml (the EntityRuler's phrases, canonical value first),
- the `department` lookup table in data/nlu/lookups.yml and the department synonyms in data/nlu/synonyms.yml,
- bot/dictionary/departments.txt (jieba words; Rasa's JiebaTokenizer loads every file of bot/dictionary).
Each department contributes its name, short name and aliases, except those marked `ambiguous` (bare topic
words such as 消防: triage and the knowledge base read them, the engine's entity vocabulary does not).
`--check` writes nothing and exits 1 when a generated part is out of date (tests call `stale()`).
The engine runtime never imports this module; it only reads the files it writes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from knowledge.triage.loader import load_departments

ROOT = Path(__file__).resolve().parents[2]
ENTITIES = ROOT / "bot" / "lookup" / "entities.yml"
LOOKUPS = ROOT / "data" / "nlu" / "lookups.yml"
SYNONYMS = ROOT / "data" / "nlu" / "synonyms.yml"
JIEBA = ROOT / "bot" / "dictionary" / "departments.txt"
BEGIN = "# >>> departments: generated from knowledge/data/triage/departments.yml by `python -m knowledge.triage.vocab`; do not edit"
END = "# <<< departments"
JIEBA_FREQ, JIEBA_TAG = 3000, "nt"


def engine_aliases() -> dict[str, list[str]]:
    """Canonical name → the ways of writing it the engine recognises (the name first, no duplicates)."""
    out: dict[str, list[str]] = {}
    for dep in load_departments().values():
        skip = set(dep.ambiguous)
        words = [w for w in (dep.name, dep.short, *dep.aliases) if w not in skip]
        out[dep.name] = list(dict.fromkeys(words))
    return out


def _flow(words: list[str]) -> str:
    return "[" + ", ".join(words) + "]"


def entities_block() -> list[str]:
    """The `department:` mapping of bot/lookup/entities.yml."""
    return [
        "department:",
        *(f"  {name}: {_flow(words)}" for name, words in engine_aliases().items()),
    ]


def lookups_block() -> list[str]:
    """The department lookup table (every alias) of data/nlu/lookups.yml."""
    words = [w for aliases in engine_aliases().values() for w in aliases]
    return ["- lookup: department", "  examples: |", *(f"    - {w}" for w in words)]


def synonyms_block() -> list[str]:
    """One synonym per department: every alias maps to the canonical name."""
    lines: list[str] = []
    for name, words in engine_aliases().items():
        others = [w for w in words if w != name]
        if others:
            lines += [f"- synonym: {name}", "  examples: |", *(f"    - {w}" for w in others)]
    return lines


def jieba_words() -> str:
    """bot/dictionary/departments.txt: one `word freq tag` line per alias (jieba allows no comments)."""
    words = [w for aliases in engine_aliases().values() for w in aliases]
    return "".join(f"{w} {JIEBA_FREQ} {JIEBA_TAG}\n" for w in dict.fromkeys(words))


def with_block(text: str, block: list[str], path: Path) -> str:
    """`text` with the lines between the BEGIN and END markers replaced by `block`."""
    lines = text.splitlines()
    try:
        start, stop = lines.index(BEGIN), lines.index(END)
    except ValueError as exc:
        raise ValueError(f"{path}: no generated-department markers ({BEGIN!r} … {END!r})") from exc
    if stop < start:
        raise ValueError(f"{path}: the END marker comes before BEGIN")
    return "\n".join([*lines[: start + 1], *block, *lines[stop:]]) + "\n"


def _targets() -> list[tuple[Path, Callable[[str], str]]]:
    """Each generated file with how its new content follows from the old."""
    return [
        (ENTITIES, lambda old: with_block(old, entities_block(), ENTITIES)),
        (LOOKUPS, lambda old: with_block(old, lookups_block(), LOOKUPS)),
        (SYNONYMS, lambda old: with_block(old, synonyms_block(), SYNONYMS)),
        (JIEBA, lambda _old: jieba_words()),
    ]


def stale() -> list[Path]:
    """The generated files whose department part differs from departments.yml."""
    out = []
    for path, render in _targets():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if render(old) != old:
            out.append(path)
    return out


def write() -> list[Path]:
    """Rewrite what is out of date (a file already right keeps its timestamp); returns what changed."""
    changed = []
    for path, render in _targets():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        new = render(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str]) -> int:
    """Write the generated parts, or with --check only report the stale ones."""
    if "--check" in argv:
        old = stale()
        for path in old:
            print(f"out of date: {path.relative_to(ROOT)} (run python -m knowledge.triage.vocab)")
        return 1 if old else 0
    for path in write():
        print(f"      department vocabulary regenerated: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
