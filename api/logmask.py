"""A logging filter that masks personal data (phones, ID numbers, names) in every app log line.

Installed on the handlers at startup, so it also covers uvicorn's access log, where a search query
(`?q=张三 13812345678`, percent-encoded) would otherwise be written in clear.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from api.complaints.redact import mask_pii

# only text that could hold a name, a number or an e-mail address is worth the detector's time
_MAYBE_PII = re.compile(r"[\u3400-\u9fff]|\d{4}|@|%[0-9A-Fa-f]{2}")
LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error")


def mask_text(text: str) -> str:
    """The text with PII masked; percent-encoded text is decoded first when it hides some."""
    if not _MAYBE_PII.search(text):
        return text
    masked = mask_pii(text)
    if "%" in text:
        decoded = unquote(text)
        if decoded != text and (clean := mask_pii(decoded)) != decoded:
            return clean
    return masked


class PiiFilter(logging.Filter):
    """Masks the message template and each string argument of a record (keeps args' shape)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always lets the record through, masked."""
        try:
            if isinstance(record.msg, str):
                record.msg = mask_text(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(mask_text(a) if isinstance(a, str) else a for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {
                    k: mask_text(v) if isinstance(v, str) else v for k, v in record.args.items()
                }
        except Exception:  # a log line is never lost because masking failed
            record.msg, record.args = "[log line withheld: masking failed]", None
        return True


def install() -> None:
    """Attach one PiiFilter to every handler of the app's and uvicorn's loggers (idempotent)."""
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, PiiFilter) for f in handler.filters):
                handler.addFilter(PiiFilter())
