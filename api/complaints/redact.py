"""PII masking for logs and staff views: uses api.triage.pii.mask_pii when present, else a local fallback."""

from __future__ import annotations

import re
from collections.abc import Callable

_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[\s-]?(\d{3,4})(\d{4})(?!\d)")
_ID_RE = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])")


def _fallback_mask_pii(text: str) -> str:
    """Mask mobile/landline numbers and 18-digit ID numbers (fallback until api.triage.pii exists)."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}********{m.group(3)[-1]}", text)
    text = _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def _resolve() -> Callable[[str], str]:
    """Prefer the shared masker written for triage; fall back to the local one."""
    try:
        from api.triage.pii import mask_pii as shared
    except ImportError:
        return _fallback_mask_pii
    return shared


def mask_pii(text: str) -> str:
    """Text safe to log or show without revealing phone or ID numbers."""
    return _resolve()(text)


def strip_pii(text: str, placeholder: str = "＊") -> str:
    """The text with every PII span replaced by one placeholder: nothing of it left to match."""
    from api.triage.pii import detect_pii

    out: list[str] = []
    cursor = 0
    for span in detect_pii(text):
        out.append(text[cursor : span.start])
        out.append(placeholder)
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def mask_phone(phone: str | None) -> str | None:
    """138****5678 / 0812****4567: enough for staff to recognise, not to dial."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 4:
        return "*" * len(digits)
    if digits.startswith("1"):
        keep_head = 3
    elif digits.startswith("0"):
        keep_head = 3 if digits[1] in "12" else 4  # 010/02x vs 0812-style area codes
    else:
        keep_head = 0
    keep_head = min(keep_head, len(digits) - 4)
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]
