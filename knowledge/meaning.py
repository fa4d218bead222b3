"""Does a message carry any words at all? Keyboard mashes, emoji, 「？？？」 and bare digits do not.

Used when the engine could not place a message (nlu_fallback, out_of_scope, the learned `gibberish`
intent): a message without words gets "I didn't understand" and suggestions, never a greeting or an
out-of-scope lecture. Chinese characters always count as words (the NLU and retrieval judge those).
Latin letters count when a token reads as pinyin (the syllable inventory comes from pypinyin's
dictionary) or is pronounceable (a vowel and no long consonant run, as English and most loanwords).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from knowledge.text import normalize

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_TOKEN = re.compile(r"[a-z]+")
_VOWELS = re.compile(r"[aeiouy]")
_CONSONANT_RUN = re.compile(
    r"[^aeiouy]{5,}"
)  # English words rarely pile five consonants ("strengths")


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless syllable of Mandarin pinyin (ü written v), from pypinyin's character dictionary."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    found: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            found.add(to_normal(reading).replace("ü", "v"))
    return frozenset(s for s in found if s.isascii() and s.isalpha())


def reads_as_pinyin(token: str) -> bool:
    """The token splits into whole pinyin syllables (「chanjia」, 「tuoban」)."""
    syllables = pinyin_syllables()
    longest = max(len(s) for s in syllables)
    ok = [True] + [False] * len(token)
    for end in range(1, len(token) + 1):
        ok[end] = any(
            ok[start] and token[start:end] in syllables
            for start in range(max(0, end - longest), end)
        )
    return ok[len(token)]


def pronounceable(token: str) -> bool:
    """A vowel and no run of five consonants: 「hello」, 「leave」 yes; 「asdfgh」, 「jkjk」 no."""
    return bool(_VOWELS.search(token)) and not _CONSONANT_RUN.search(token)


def _letters(text: str) -> str:
    """What is left once punctuation, symbols (emoji included), marks and spaces are taken out."""
    return "".join(
        ch for ch in text if unicodedata.category(ch)[0] not in ("P", "S", "Z", "M", "C")
    )


def has_words(text: str) -> bool:
    """True when the message holds a Chinese character, a pinyin or pronounceable latin word."""
    left = _letters(normalize(text or "").lower())
    if not left:
        return False
    if _CJK.search(left):
        return True
    tokens = _LATIN_TOKEN.findall(left)
    return any(reads_as_pinyin(t) or (len(t) > 1 and pronounceable(t)) for t in tokens)


def meaningless(text: str) -> bool:
    """No words at all: only emoji, punctuation, digits or unreadable letters."""
    return not has_words(text)
