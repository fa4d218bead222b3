"""`python -m knowledge.evaluate [DEV.yml]`: the answer decision measured in process, no engine.

Prints the cross-validated figures of the train split (from the artefact), the held-out split
(never fitted on, never used to choose anything) beside plain BM25 top-1 over the same entries, and,
when given, a dev file of the dev.yml format (measured only; nothing is tuned on it). The NLU intent is
not part of these figures: answer() is called with the text alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rank_bm25 import BM25Okapi

from knowledge.answer import answer
from knowledge.decide import decider
from knowledge.loader import load_knowledge
from knowledge.models import Answer
from knowledge.questions import Question, split
from knowledge.text import tokenize

HOTLINE = "12345"


@dataclass
class Score:
    """Counts behind the figures of one set."""

    passed: int = 0
    in_scope: int = 0
    top1: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    other_ok: int = 0
    other: int = 0

    def oos(self) -> tuple[float, float, float]:
        """Out-of-scope precision, recall, F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def lines(self) -> list[str]:
        """The figures as printed."""
        precision, recall, f1 = self.oos()
        out = [
            f"  in-scope pass rate      {self.passed / max(1, self.in_scope):.3f}  ({self.passed}/{self.in_scope})",
            f"  out-of-scope precision  {precision:.3f}",
            f"  out-of-scope recall     {recall:.3f}",
            f"  out-of-scope F1         {f1:.3f}",
        ]
        if self.top1:
            out.insert(1, f"  retrieval top-1 acc.    {self.top1 / max(1, self.in_scope):.3f}")
        if self.other:
            out.append(f"  clarify/human right     {self.other_ok}/{self.other}")
        return out


_EXPECTED_KIND = {"clarify": "clarify", "human": "handoff"}


def score_questions(items: list[Question], reply: Callable[[str], Answer]) -> Score:
    """Pass = the reply answers with a labelled entry; out of scope judged on kind alone."""
    total = Score()
    ranker = decider().hybrid
    for q in items:
        result = reply(q.text)
        said_oos = result.kind == "out_of_scope"
        if q.label == "out_of_scope":
            total.tp += said_oos
            total.fn += not said_oos
            continue
        total.fp += said_oos
        if q.label == "answer":
            total.in_scope += 1
            total.passed += (
                result.kind == "answer"
                and bool(result.entry_ids)
                and result.entry_ids[0] in q.entries
            )
            total.top1 += ranker.search(q.text, top_k=1)[0].entry.id in q.entries
        else:
            total.other += 1
            total.other_ok += result.kind == _EXPECTED_KIND[q.label]
    return total


def bm25_baseline(items: list[Question]) -> Score:
    """Plain BM25 top-1 over title + answer + keywords, no thresholds (it never says out of scope)."""
    entries = load_knowledge().entries
    index = BM25Okapi([tokenize(" ".join((e.title, e.answer, *e.keywords))) for e in entries])
    total = Score()
    for q in items:
        if q.label == "out_of_scope":
            total.fn += 1
        elif q.label == "answer":
            total.in_scope += 1
            tokens = tokenize(q.text)
            if tokens:
                scores = index.get_scores(tokens)
                best = max(range(len(entries)), key=lambda i: scores[i])
                total.passed += entries[best].id in q.entries
    return total


def _passes(expect: list[list[str]], text: str) -> bool:
    """Every group needs one alternative as a substring (the dev files' rule)."""
    return all(any(alt in text for alt in group) for group in expect)


def score_dev(path: Path) -> Score:
    """A dev.yml-format file, each question as the first message of a conversation."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    total = Score()
    for q in data.get("questions", []):
        result = answer(text=q["text"], hotline=HOTLINE)
        said_oos = result.kind == "out_of_scope"
        if q.get("expect_out_of_scope"):
            total.tp += said_oos
            total.fn += not said_oos
        else:
            total.in_scope += 1
            total.fp += said_oos
            total.passed += not said_oos and _passes(q.get("expect", []), result.text)
    return total


def main(argv: list[str]) -> int:
    """Print cross-validated, held-out, baseline and dev figures."""
    fitted = decider()
    train, held = split()
    print(f"== decision model: {fitted.model_name} (train {len(train)}, held-out {len(held)}) ==")
    print("-- cross-validated on the train split (5 folds, out-of-fold) --")
    for key, value in fitted.cv.items():
        print(f"  {key:24s} {value:.3f}")
    print("-- held-out split (20 % by text hash; never fitted or tuned on) --")
    ours = score_questions(held, lambda text: answer(text=text, hotline=HOTLINE))
    print("\n".join(ours.lines()))
    print("-- plain BM25 top-1 on the same held-out split --")
    base = bm25_baseline(held)
    print("\n".join(base.lines()))
    for name in argv:
        path = Path(name)
        if path.exists():
            print(f"-- {path.name} (in process, text only; measured, never tuned on) --")
            print("\n".join(score_dev(path).lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
