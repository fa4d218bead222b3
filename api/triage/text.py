"""Normalise complaint text for matching: traditional → simplified, NFKC, lower case, tidy spaces."""

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC


@lru_cache
def _converter() -> OpenCC:
    """One OpenCC t2s converter per process (built lazily: it reads dictionaries)."""
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified characters only."""
    return _converter().convert(text)


def normalize(text: str) -> str:
    """Simplified, NFKC-folded, lower-cased text with runs of whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text)
    simplified = _converter().convert(folded)
    return re.sub(r"\s+", " ", simplified).strip().lower()
