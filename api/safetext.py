"""Text every store and log can take: no NUL, no lone UTF-16 surrogates (PostgreSQL and UTF-8 refuse both).

JSON may carry them ("\\u0000", "\\ud800"); they are refused at the schema with 422, never stored.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_BAD = re.compile(r"[\x00\ud800-\udfff]")


def check(value: str) -> str:
    """The value unchanged, or ValueError naming what is wrong (in Chinese)."""
    bad = _BAD.search(value)
    if bad is None:
        return value
    if bad.group() == "\x00":
        raise ValueError("包含非法字符（NUL）")
    raise ValueError("包含非法字符（不成对的代理字符）")


SafeStr = Annotated[str, AfterValidator(check)]
"""A str without NUL or lone surrogates; give its length limits with Field(max_length=…)."""
