"""Clause coverage: every clause of the shipped sources is quoted by an entry or reviewed as skippable.

`python -m knowledge.coverage` prints the uncovered clauses (exit 1 when any); `--all` prints each
clause with the entries that cover it.

Clauses
  plan (.txt)  the text with all whitespace removed (the PDF breaks lines inside sentences), cut after
               。；！？： and before the numbered headings 一、 and （一）: sentences and semicolon clauses.
  .md files    one clause per markdown heading, per bullet (with its indented continuation lines) and per
               table row (header and separator rows are structure, not text; a `confidence` column is
               dropped, it grades the fact rather than stating it); other lines are joined into
               paragraphs and cut into sentences at 。；; or at ". " before a capital or a Chinese character.
               A trailing confidence grade of a bullet (". high", "). medium (…)") is dropped too.

Covered
  Texts are compared in a matching key: normalize() (NFKC, traditional→simplified, lower case), then
  only Chinese characters, ASCII letters and digits kept (punctuation, spaces and table pipes dropped).
  A citation (an entry's quote, extra_sources[].quote or versions[].quote; its document's source must
  be the clause's file) covers a clause when
    (a) the clause key is contained in the key of one quote segment ("……" separates segments), or
    (b) the clause key has at least MIN_LONG characters and at least MIN_SHARE of them lie in common
        runs of at least MIN_RUN characters shared with the quote's segments (difflib matching
        blocks, no autojunk): a quote that spans the clause with a few words elided or wrapped
        differently. Short clauses (headings) must be contained, rule (a).
  A clause quoted in pieces by several entries is covered when (c) MIN_SHARE of its characters lie
  in runs of at least MIN_PIECE characters shared with the quotes of its file (each piece is then a
  verbatim sentence fragment some entry carries); the entries are taken greedily, the one adding
  most first, until the share is reached, and those are the ones listed.

  The constants define the check, not a tuned decision: MIN_SHARE 0.8 (four fifths of the clause),
  MIN_RUN 4 characters, MIN_LONG 20 characters (below it only containment counts), MIN_PIECE 15.

Skips
  data/coverage_skip.yml lists reviewed clauses that state no fact, duty, standard, service or target
  (preamble, headings, boilerplate, provenance), each by its file, exact clause text and a one-word
  reason; a skip that no longer matches a clause is itself an error, so the list cannot go stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from knowledge.loader import DATA_DIR, load_documents, load_entries
from knowledge.models import Citation, Document, Entry
from knowledge.text import compact, normalize

SOURCES: tuple[str, ...] = (
    "renhe-2020-128-infant-care-plan.txt",
    "national-facts.md",
    "current-rules-2026.md",
)
SKIP_FILE = DATA_DIR / "coverage_skip.yml"
SKIP_REASONS: frozenset[str] = frozenset(
    {"preamble", "heading", "boilerplate", "provenance", "meta", "summary"}
)
MIN_SHARE = 0.8
MIN_RUN = 4
MIN_PIECE = 15
MIN_LONG = 20

_KEEP = re.compile(r"[^\u4e00-\u9fff0-9a-z]")
_PLAN_CUT = re.compile(
    r"(?<=[。；！？：])|(?=[一二三四五六七八九十]+、)|(?=（[一二三四五六七八九十]+）)"
)
_GRADE = re.compile(r"(?<=[.)。])\s+(?:high|medium)\b[^.]*$")
_MD_SENTENCE = re.compile(r"(?<=[。；;])\s*|(?<=\.)\s+(?=[A-Z\u4e00-\u9fff*])")


class Clause(BaseModel):
    """One sentence, semicolon clause, bullet or table row of a source file."""

    model_config = ConfigDict(frozen=True)

    source: str
    index: int
    text: str

    @property
    def key(self) -> str:
        """The matching key (see the module docstring)."""
        return key(self.text)


class Skip(BaseModel):
    """A reviewed clause that needs no entry, with a one-word reason."""

    model_config = ConfigDict(frozen=True)

    source: str
    clause: str
    reason: str


class Coverage(BaseModel):
    """Each clause with the ids of the entries covering it, and what is skipped or left uncovered."""

    model_config = ConfigDict(frozen=True)

    covered: dict[str, tuple[str, ...]]
    skipped: tuple[Clause, ...]
    uncovered: tuple[Clause, ...]
    stale_skips: tuple[Skip, ...]
    clauses: tuple[Clause, ...]


@lru_cache(maxsize=8192)
def key(text: str) -> str:
    """Normalised text without punctuation or spaces, so wrapping and punctuation never decide."""
    return _KEEP.sub("", normalize(text))


def split_plan(text: str) -> list[str]:
    """Sentences and semicolon clauses of the plan, with headings cut off the text they precede."""
    return [piece for piece in _PLAN_CUT.split(compact(text)) if key(piece)]


def _table_cells(line: str) -> list[str]:
    """Cells of one markdown table row."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def split_markdown(text: str) -> list[str]:
    """Headings, bullets, table rows and paragraph sentences of a markdown file."""
    out: list[str] = []
    paragraph: list[str] = []
    header: list[str] | None = None

    def flush() -> None:
        if paragraph:
            joined = " ".join(paragraph)
            out.extend(s.strip() for s in _MD_SENTENCE.split(joined) if key(s))
            paragraph.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        i += 1
        if not stripped:
            flush()
            header = None
            continue
        if stripped.startswith("#"):
            flush()
            out.append(stripped.lstrip("#").strip())
        elif stripped.startswith("|"):
            flush()
            cells = _table_cells(stripped)
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if header is None:
                header = [c.lower() for c in cells]
                continue
            kept = [c for c, h in zip(cells, header, strict=False) if h != "confidence"]
            out.append(" | ".join(kept))
        elif stripped.startswith(("- ", "* ")):
            flush()
            bullet = [stripped[2:].strip()]
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip():
                bullet.append(lines[i].strip())
                i += 1
            out.append(_GRADE.sub("", " ".join(bullet)))
        else:
            paragraph.append(stripped)
    flush()
    return out


def clauses(data_dir: Path = DATA_DIR) -> list[Clause]:
    """Every clause of the covered source files, numbered per file."""
    out: list[Clause] = []
    for name in SOURCES:
        text = (data_dir / "sources" / name).read_text(encoding="utf-8")
        pieces = split_plan(text) if name.endswith(".txt") else split_markdown(text)
        out.extend(Clause(source=name, index=n, text=p) for n, p in enumerate(pieces, 1))
    return out


@lru_cache(maxsize=4096)
def _grams(text: str) -> frozenset[str]:
    """The MIN_RUN-character substrings of a matching key (a quick test before difflib)."""
    return frozenset(text[i : i + MIN_RUN] for i in range(len(text) - MIN_RUN + 1))


def _runs(clause_key: str, quote: str, min_run: int) -> list[tuple[int, int]]:
    """Spans of the clause key shared with the quote's segments in runs of at least min_run."""
    spans = []
    for segment in (key(s) for s in quote.split("……")):
        matcher = SequenceMatcher(None, clause_key, segment, autojunk=False)
        spans += [(b.a, b.a + b.size) for b in matcher.get_matching_blocks() if b.size >= min_run]
    return spans


def _share(clause_key: str, spans: Iterable[tuple[int, int]]) -> float:
    """Fraction of the clause key's characters inside the spans."""
    hit = [False] * len(clause_key)
    for start, end in spans:
        hit[start:end] = [True] * (end - start)
    return sum(hit) / len(clause_key) if clause_key else 0.0


def covers(quote: str, clause_key: str) -> bool:
    """Rule (a) or (b): the quote contains the clause, or shares MIN_SHARE of it in runs of MIN_RUN+."""
    if any(clause_key in key(s) for s in quote.split("……")):
        return True
    return (
        len(clause_key) >= MIN_LONG
        and _share(clause_key, _runs(clause_key, quote, MIN_RUN)) >= MIN_SHARE
    )


def covering(clause_key: str, quotes: Iterable[tuple[str, Citation]]) -> tuple[str, ...]:
    """Ids of the entries covering the clause by rule (a)/(b), else by pieces (rule (c)), else ()."""
    grams = _grams(clause_key)
    quotes = [
        (e, c) for e, c in quotes if len(clause_key) < MIN_RUN or grams & _grams(key(c.quote))
    ]
    whole = [entry_id for entry_id, cite in quotes if covers(cite.quote, clause_key)]
    if whole:
        return tuple(dict.fromkeys(whole))
    pieces: dict[str, list[tuple[int, int]]] = {}
    for entry_id, cite in quotes:
        if spans := _runs(clause_key, cite.quote, MIN_PIECE):
            pieces.setdefault(entry_id, []).extend(spans)
    chosen: list[str] = []
    spans_so_far: list[tuple[int, int]] = []
    while pieces and _share(clause_key, spans_so_far) < MIN_SHARE:
        best = max(pieces, key=lambda e: _share(clause_key, spans_so_far + pieces[e]))
        gain = _share(clause_key, spans_so_far + pieces[best]) - _share(clause_key, spans_so_far)
        if gain <= 0:
            break
        chosen.append(best)
        spans_so_far += pieces.pop(best)
    return tuple(chosen) if _share(clause_key, spans_so_far) >= MIN_SHARE else ()


def _quotes_by_source(
    entries: Iterable[Entry], docs: dict[str, Document]
) -> dict[str, list[tuple[str, Citation]]]:
    """Every citation of every entry (versions included), grouped by its document's source file."""
    out: dict[str, list[tuple[str, Citation]]] = {}
    for entry in entries:
        for cite in entry.all_citations():
            out.setdefault(docs[cite.doc].source, []).append((entry.id, cite))
    return out


def load_skips(path: Path = SKIP_FILE) -> list[Skip]:
    """The reviewed skip list; each reason must be one of SKIP_REASONS."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    skips = [Skip.model_validate(item) for item in raw.get("skip", [])]
    for skip in skips:
        if skip.reason not in SKIP_REASONS or skip.source not in SOURCES:
            raise ValueError(f"{path}: bad skip {skip.source}: {skip.clause[:30]} ({skip.reason})")
    return skips


def coverage(data_dir: Path = DATA_DIR, skip_file: Path | None = None) -> Coverage:
    """Map every clause to its covering entries; list skipped, uncovered and stale-skip clauses."""
    docs = load_documents(data_dir)
    quotes = _quotes_by_source(load_entries(data_dir), docs)
    skips = load_skips(skip_file or data_dir / "coverage_skip.yml")
    skip_keys = {(s.source, key(s.clause)): s for s in skips}
    all_clauses = clauses(data_dir)
    covered: dict[str, tuple[str, ...]] = {}
    skipped: list[Clause] = []
    uncovered: list[Clause] = []
    used: set[tuple[str, str]] = set()
    for clause in all_clauses:
        ids = covering(clause.key, quotes.get(clause.source, []))
        ref = (clause.source, clause.key)
        if ref in skip_keys:
            used.add(ref)
            skipped.append(clause)
        elif ids:
            covered[f"{clause.source}#{clause.index}"] = ids
        else:
            uncovered.append(clause)
    stale = tuple(s for ref, s in skip_keys.items() if ref not in used)
    return Coverage(
        covered=covered,
        skipped=tuple(skipped),
        uncovered=tuple(uncovered),
        stale_skips=stale,
        clauses=tuple(all_clauses),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every clause and its entries")
    args = parser.parse_args()
    report = coverage()
    if args.all:
        for clause in report.clauses:
            ref = f"{clause.source}#{clause.index}"
            ids = report.covered.get(ref)
            mark = ", ".join(ids) if ids else ("SKIP" if clause in report.skipped else "—")
            print(f"{ref}\t{clause.text}\n\t→ {mark}")
    total = len(report.clauses)
    print(
        f"clauses: {total}, covered: {len(report.covered)}, skipped: {len(report.skipped)}, "
        f"uncovered: {len(report.uncovered)}, stale skips: {len(report.stale_skips)}"
    )
    for clause in report.uncovered:
        print(f"  uncovered {clause.source}#{clause.index}: {clause.text}")
    for skip in report.stale_skips:
        print(f"  stale skip {skip.source}: {skip.clause}")
    sys.exit(1 if report.uncovered or report.stale_skips else 0)


if __name__ == "__main__":
    main()
