"""Find personal data (phones, ID numbers, names…) in complaint text and mask it for logs."""

import re
from dataclasses import dataclass
from functools import lru_cache

from api.triage.loader import load_pii_rules
from api.triage.nlp import name_matcher, pipeline, trigger_lengths
from knowledge.text import fold


@dataclass(frozen=True)
class PiiSpan:
    """A piece of personal data: its type and [start, end) character offsets in the original text."""

    type: str
    start: int
    end: int


@lru_cache
def _regexes() -> list[tuple[str, re.Pattern[str]]]:
    """Compiled PII regexes, in data-file order (ID numbers before phones)."""
    return [(kind, re.compile(p, re.IGNORECASE)) for kind, p in load_pii_rules().regex.items()]


def _name_spans(text: str) -> list[PiiSpan]:
    """Names found by the spaCy Matcher, without their trigger words or titles.

    Matching runs on the simplified form when conversion keeps offsets (陳 → 陈), else the original.
    """
    simplified = fold(text)
    doc = pipeline().make_doc(simplified if len(simplified) == len(text) else text)
    spans: list[PiiSpan] = []
    vocab = doc.vocab.strings
    triggers = trigger_lengths()
    for match_id, start, end in name_matcher()(doc):
        label = vocab[match_id]
        span = doc[start:end]
        begin, finish = span.start_char, span.end_char
        if label == "NAME_AFTER":
            head = next((t for t in triggers if span.text.startswith(t)), "")
            rest = span.text[len(head) :]
            begin += len(head) + (len(rest) - len(rest.lstrip(":： ")))
        elif label == "NAME_TITLE":
            finish = begin + 1
        elif label == "NAME_SURNAME":
            begin += 1
        if finish > begin:
            spans.append(PiiSpan(type="name", start=begin, end=finish))
    return spans


def detect_pii(text: str) -> list[PiiSpan]:
    """Non-overlapping PII spans in the original text, ordered by position (regex hits win ties)."""
    found: list[PiiSpan] = []
    for kind, pattern in _regexes():
        for m in pattern.finditer(text):
            start, end = m.span(1) if pattern.groups else m.span()
            found.append(PiiSpan(type=kind, start=start, end=end))
    found.extend(_name_spans(text))
    chosen: list[PiiSpan] = []
    for span in found:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _mask(kind: str, value: str) -> str:
    """Mask one value, keeping enough to recognise it (138****5678, 5104**********123X, 王**)."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit() or ch in "Xx"]
    if kind == "phone":
        digits = digits[-11:]  # drop a +86 country code
    if kind in {"phone", "landline", "id_number"} and len(digits) > 7:
        keep_head = 3 if kind == "phone" else 4
        hidden = set(digits[keep_head:-4])
        return "".join("*" if i in hidden else ch for i, ch in enumerate(value))
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "name":
        return value[:1] + "*" * (len(value) - 1)
    return value[:1] + "*" * max(len(value) - 1, 1)


def mask_pii(text: str) -> str:
    """The text with every detected PII span masked: safe to write to logs."""
    out: list[str] = []
    cursor = 0
    for span in detect_pii(text):
        out.append(text[cursor : span.start])
        out.append(_mask(span.type, text[span.start : span.end]))
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)
