"""Reading free answers in the complaint flow: word lists from actions/data/complaint_words.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "complaint_words.yml"
UNKNOWN = "不知道"
NO_PHONE = "不留"
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3})?[2-9]\d{6,7}(?!\d)")
_TICKET = re.compile(r"TY\s*[-－—_]?\s*(\d{8})\s*[-－—_]?\s*(\d{4,})", re.IGNORECASE)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Words:
    """The reviewed word lists."""

    trigger_phrases: tuple[str, ...]
    min_description_chars: int
    unknown: tuple[str, ...]
    no_phone: tuple[str, ...]
    confirm: tuple[str, ...]
    cancel: tuple[str, ...]
    edit: tuple[str, ...]
    fields: tuple[tuple[str, tuple[str, ...]], ...]


@lru_cache(maxsize=1)
def words() -> Words:
    """Load the word lists once (on first use, not at import)."""
    raw: dict = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    fields = tuple((name, tuple(str(w) for w in ws)) for name, ws in raw["fields"].items())
    return Words(
        trigger_phrases=tuple(
            sorted((str(w) for w in raw["trigger_phrases"]), key=len, reverse=True)
        ),
        min_description_chars=int(raw["min_description_chars"]),
        unknown=tuple(raw["unknown"]),
        no_phone=tuple(raw["no_phone"]),
        confirm=tuple(raw["confirm"]),
        cancel=tuple(raw["cancel"]),
        edit=tuple(raw["edit"]),
        fields=fields,
    )


def _has(text: str, options: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(option in lowered for option in options)


def describes_problem(text: str) -> bool:
    """True when the message says more than 「我要投诉」: enough is left once trigger words are gone."""
    rest = text.lower()
    for phrase in words().trigger_phrases:
        rest = rest.replace(phrase, "")
    return len(_PUNCT.sub("", rest)) >= words().min_description_chars


def is_unknown(text: str) -> bool:
    """「不知道」「记不清了」… for an optional field."""
    return _has(text, words().unknown) and len(text) <= 20


def find_phone(text: str) -> str | None:
    """The first mobile (1[3-9]xxxxxxxxx) or landline (区号+7–8 位) number in the text, digits only."""
    compact = re.sub(r"[\s\-()（）]", "", text)
    compact = re.sub(r"(?:\+86|0086)(?=1[3-9]\d{9})", "", compact)
    for pattern in (_MOBILE, _LANDLINE):
        match = pattern.search(compact)
        if match:
            return match.group(0)
    return None


def wants_no_phone(text: str) -> bool:
    """「不留」「匿名」… and no number in the message."""
    return find_phone(text) is None and _has(text, words().no_phone)


def find_ticket(text: str) -> str | None:
    """A ticket number typed loosely (「ty 20261128 0042」) in canonical form TY20261128-0042."""
    match = _TICKET.search(text)
    return f"TY{match.group(1)}-{match.group(2)}" if match else None


def find_verifier(text: str) -> str | None:
    """A 6-digit PIN or a phone's last 4 digits, alone in the message (spaces allowed)."""
    digits = re.sub(r"[\s\-]", "", text)
    match = re.search(r"(?<!\d)(\d{6}|\d{4})(?!\d)", digits)
    return match.group(1) if match else None


def summary_reply(text: str, intent: str | None) -> str:
    """What the user said at the summary: 'edit', 'cancel', 'confirm' or 'unclear'."""
    if intent == "correct" or _has(text, words().edit):
        return "edit"
    if _has(text, words().cancel):
        return "cancel"
    if intent == "deny":
        return "edit"
    if intent == "affirm" or _has(text, words().confirm):
        return "confirm"
    return "unclear"


def field_named(text: str) -> str | None:
    """The slot a correction is about (「修改地址」→ complaint_place), or None if not named."""
    for name, keywords in words().fields:
        if _has(text, keywords):
            return name
    return None


def field_buttons() -> list[dict[str, str]]:
    """Buttons offering each field for correction."""
    return [
        {"title": title, "payload": title}
        for title in ("修改经过", "修改机构", "修改地址", "修改时间", "修改电话")
    ]
