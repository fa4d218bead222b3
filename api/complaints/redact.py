"""PII masking for logs and staff views, over the triage domain's detector (knowledge.triage.pii)."""

from __future__ import annotations

import re

from knowledge.triage.pii import detect_pii
from knowledge.triage.pii import mask_pii as domain_mask


def mask_pii(text: str) -> str:
    """Text safe to log or show without revealing phone or ID numbers (the domain's one masker)."""
    return domain_mask(text)


def strip_pii(text: str, placeholder: str = "＊") -> str:
    """The text with every PII span replaced by one placeholder: nothing of it left to match."""
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
