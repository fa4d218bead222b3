"""The complaint flow's slot markers and the shape of a ticket number and a verifier (status lookup).

Free answers inside the complaint form are read by the app (POST /api/internal/complaint/read); only the
two markers the app stores and the lookup's number shapes are known here.
"""

from __future__ import annotations

import re

UNKNOWN = "不知道"  # an optional field the family does not know (filed as empty)
NO_PHONE = "不留"  # no call-back number (filed as empty)
_TICKET = re.compile(r"TY\s*[-－—_]?\s*(\d{8})\s*[-－—_]?\s*(\d{4,})", re.IGNORECASE)


def find_ticket(text: str) -> str | None:
    """A ticket number typed loosely (「ty 20261128 0042」) in canonical form TY20261128-0042."""
    match = _TICKET.search(text)
    return f"TY{match.group(1)}-{match.group(2)}" if match else None


def find_verifier(text: str) -> str | None:
    """A 6-digit PIN or a phone's last 4 digits, alone in the message (spaces allowed)."""
    digits = re.sub(r"[\s\-]", "", text)
    match = re.search(r"(?<!\d)(\d{6}|\d{4})(?!\d)", digits)
    return match.group(1) if match else None
