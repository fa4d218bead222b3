"""Pinyin on both sides: a query typed in toneless pinyin meets the entries' titles and keywords read aloud.

「tuoban ji sui keyi shang」 has no Chinese character for BM25 and e5 reads it poorly; its syllable
bigrams (tuo·ban, ban·ji, …) are compared with those of each entry's head text (pypinyin readings).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from knowledge.meaning import pinyin_syllables
from knowledge.text import normalize

_LATIN = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def split_syllables(token: str) -> list[str] | None:
    """The token as whole pinyin syllables (fewest pieces), or None when it does not read as pinyin."""
    inventory = pinyin_syllables()
    longest = 6
    best: list[list[str] | None] = [[]] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - longest), end):
            before = best[start]
            piece = token[start:end]
            if before is not None and piece in inventory:
                candidate = [*before, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(token)]


def query_syllables(text: str) -> list[str]:
    """The pinyin syllables of a message's latin words (empty for Chinese or English text)."""
    out: list[str] = []
    for token in _LATIN.findall(normalize(text)):
        pieces = split_syllables(token)
        if pieces:
            out.extend(pieces)
    return out


def syllable_bigrams(syllables: list[str]) -> set[str]:
    """Adjacent syllable pairs, the unit both sides are compared in."""
    return {f"{a}·{b}" for a, b in pairwise(syllables)}


@lru_cache(maxsize=1024)
def text_bigrams(text: str) -> frozenset[str]:
    """Syllable bigrams of Chinese text read with pypinyin (toneless, ü as v)."""
    from pypinyin import Style, lazy_pinyin

    out: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", normalize(text)):
        readings = [r.replace("ü", "v") for r in lazy_pinyin(run, style=Style.NORMAL)]
        out |= syllable_bigrams(readings)
    return frozenset(out)


def overlap(query: set[str], entry: frozenset[str]) -> float:
    """Share of the query's syllable bigrams found in the entry (0 when the query has none)."""
    return len(query & entry) / len(query) if query else 0.0
