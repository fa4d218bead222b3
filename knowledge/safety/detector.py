"""detect(text): is a child in danger right now, which number to call, why, and how sure."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np

from knowledge.safety.classifier import Model, load_or_fit
from knowledge.safety.examples import split, training
from knowledge.safety.signals import CLASSES, EMERGENCIES, NUMBERS, Hit, hits, lexicon

logger = logging.getLogger(__name__)

Emergency = Literal["medical", "police", "fire", "none"]
SECONDARY_MIN = 0.3  # another class's number is added when its probability reaches this…
SECONDARY_WITH_CUE = 0.12  # …or this, when one of its signals is in the message


@dataclass(frozen=True)
class SafetyResult:
    """The decision for one message; `numbers` is what to call, first the main one."""

    emergency: Emergency
    confidence: float
    p_emergency: float = 0.0
    numbers: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    groups: tuple[str, ...] = field(default=(), repr=False)

    @property
    def is_emergency(self) -> bool:
        return self.emergency != "none"


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped detector: fitted on every reviewed message (cached on disk by content hash)."""
    return load_or_fit(training())


@lru_cache(maxsize=1)
def held_out_model() -> Model:
    """The same detector fitted on the train split only: what `make eval` scores the held-out part with."""
    train, _ = split()
    return load_or_fit(train, what="held-out safety model (for the figures)")


def decide(text: str, proba: np.ndarray, threshold: float) -> SafetyResult:
    """Turn class probabilities and the message's cues into a result."""
    found = hits(text)
    p = dict(zip(CLASSES, (float(x) for x in proba), strict=True))
    p_emergency = 1.0 - p["none"]
    if p_emergency < threshold:
        return SafetyResult(
            emergency="none", confidence=round(p["none"], 3), p_emergency=round(p_emergency, 3)
        )
    primary = max(EMERGENCIES, key=lambda c: p[c])
    numbers = [NUMBERS[primary]]
    cued = {h.cls for h in found}
    for other in EMERGENCIES:
        if other == primary:
            continue
        if p[other] >= SECONDARY_MIN or (other in cued and p[other] >= SECONDARY_WITH_CUE):
            numbers.append(NUMBERS[other])
    if "hurt" in cued and primary != "medical" and "120" not in numbers:
        numbers.append("120")
    return SafetyResult(
        emergency=primary,  # type: ignore[arg-type]
        confidence=round(p_emergency, 3),
        p_emergency=round(p_emergency, 3),
        numbers=tuple(numbers),
        signals=_signals(found, primary, p),
        groups=tuple(h.group for h in found if h.cls == primary),
    )


def _signals(found: list[Hit], primary: str, p: dict[str, float]) -> tuple[str, ...]:
    """What a reviewer needs to audit the decision: matched cues, else the similarity verdict."""
    cues = [h.label for h in found if h.cls in (primary, "hurt")]
    return tuple(cues or [f"{primary}/相似案例：{p[primary]:.2f}"])


def detect(text: str, *, detector: Model | None = None, complaint: bool = False) -> SafetyResult:
    """Classify one message (web chat, WeChat) or a filed complaint — the one emergency layer.

    A complaint is scored by the same model at the operating point chosen, the same way, on
    complaints: their long accounts of routine hazards would otherwise read as emergencies.
    """
    used = detector or model()
    proba = used.proba([text])[0]
    result = decide(text, proba, used.complaint_threshold if complaint else used.threshold)
    logger.info(
        "safety decision=%s confidence=%.2f signals=%s",
        result.emergency,
        result.confidence,
        ",".join(s.split("：")[0] for s in result.signals) or "-",
    )
    return result


def advice(result: SafetyResult) -> str:
    """The one short message a family reads first: the number, one safe step, the offer to help after."""
    data = lexicon().advice
    spec = data[result.emergency]
    lines = [spec["default"]]
    step = next((spec["lines"][g] for g in result.groups if g in spec.get("lines", {})), None)
    if step:
        lines.append(step)
    if result.emergency != "medical" and "120" in result.numbers:
        lines.append(data["hurt"])
    for number, cls in (("110", "police"), ("119", "fire")):
        if number in result.numbers and cls != result.emergency:
            lines.append(data[cls]["default"].split("，")[0] + "。")
    lines.append(data["after"])
    return "".join(lines)
