"""Recall and false-alarm figures of the detector, on our held-out split or on any YAML set."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.safety.classifier import Example, Model
from knowledge.safety.detector import SafetyResult, detect
from knowledge.safety.examples import split
from knowledge.safety.signals import NUMBERS


@dataclass
class Score:
    """Counts behind recall (emergency advised with its number) and the false-alarm rate."""

    emergencies: int = 0
    caught: int = 0
    right_number: int = 0
    contrasts: int = 0
    false_alarms: int = 0
    misses: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.right_number / self.emergencies if self.emergencies else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.contrasts if self.contrasts else 0.0


def _add(total: Score, example: Example, result: SafetyResult) -> None:
    if example.label == "none":
        total.contrasts += 1
        if result.is_emergency:
            total.false_alarms += 1
            total.alarms.append(f"{example.text}  → {result.emergency} {result.confidence}")
        return
    total.emergencies += 1
    total.caught += result.is_emergency
    if NUMBERS[example.label] in result.numbers:
        total.right_number += 1
    else:
        total.misses.append(
            f"{example.text}  → {result.emergency} {result.confidence} ({example.label})"
        )


def score(*, detector: Model | None = None, examples: list[Example] | None = None) -> Score:
    """Score the examples (default: the held-out split) with the given detector."""
    total = Score()
    for example in examples if examples is not None else split()[1]:
        _add(total, example, detect(example.text, detector=detector))
    return total


def score_file(path: Path, *, detector: Model | None = None) -> Score:
    """Score the `questions` of a safety set file (text + emergency)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = [Example(text=q["text"], label=q["emergency"]) for q in raw.get("questions", [])]
    return score(detector=detector, examples=examples)


def report(name: str, total: Score, *, verbose: bool = True) -> str:
    """A few lines for the terminal and the closing note."""
    lines = [
        f"{name}: emergency recall {total.recall:.3f} ({total.right_number}/{total.emergencies}, "
        f"detected {total.caught}), false alarms {total.false_alarm_rate:.3f} "
        f"({total.false_alarms}/{total.contrasts})"
    ]
    if verbose:
        lines += [f"  MISS  {m}" for m in total.misses] + [f"  ALARM {a}" for a in total.alarms]
    return "\n".join(lines)
