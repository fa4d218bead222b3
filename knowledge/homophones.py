"""Homophone typos read back into the knowledge base's terms: 「补帖」 → 补贴, 「陪产价」 → 陪产假, 「托斑」 → 托班.

Pinyin input methods make one kind of typo above all others: the right syllables, a wrong character. A
window of whole jieba tokens, two to four characters, that is no word (neither jieba's dictionary nor the
knowledge base's) but reads exactly like one of the knowledge base's terms, differing from it in one
character that jieba left standing alone, is that term. The terms are the entries' keywords and tags,
the synonyms and the domain dictionary: names of topics, not the words of answers. Nothing is listed
by hand here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.text import (
    dictionary_segments,
    domain_words,
    is_dictionary_word,
    normalize,
    stopwords,
)

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_CJK_TERM = re.compile(r"[\u4e00-\u9fff]{2,4}")
WINDOWS = (4, 3, 2)  # characters: the length of the terms a typo can hide in, longest first


def _known(word: str) -> bool:
    """A word of jieba's dictionary or of the knowledge base: never a typo."""
    from knowledge.pinyin import word_counts

    return is_dictionary_word(word) or word in word_counts()


def _terms() -> set[str]:
    """The topic names a typo is corrected to: keywords, tags, synonyms and the domain dictionary."""
    from knowledge.loader import load_knowledge
    from knowledge.retrieval import synonyms

    found: set[str] = set()
    for entry in load_knowledge().entries:
        found.update(normalize(t) for t in (*entry.keywords, *entry.tags))
    for key, aliases in synonyms().items():
        found.update(normalize(t) for t in (key, *aliases))
    found.update(normalize(word) for word in domain_words())
    stop = stopwords()
    return {t for t in found if _CJK_TERM.fullmatch(t) and not any(ch in stop for ch in t)}


@lru_cache(maxsize=1)
def _readings() -> dict[tuple[str, ...], str]:
    """Toneless reading → the most frequent term read that way."""
    from knowledge.pinyin import character_readings, word_counts

    counts = word_counts()
    out: dict[tuple[str, ...], str] = {}
    for term in sorted(_terms(), key=lambda t: (-counts[t], t)):
        out.setdefault(tuple(character_readings(term)), term)
    return out


def _replacement(window: str, loose: set[int]) -> str | None:
    """The term window is a one-character homophone typo of, if any.

    loose: the window's positions jieba left as single characters that are not function words; the
    wrong character must be one of them (a character jieba joined into a word belongs to that word, as
    in 改革 or 手机, and 是/的/有 are never typos).
    """
    from knowledge.pinyin import character_readings

    if _known(window):
        return None
    term = _readings().get(tuple(character_readings(window)))
    if term is None:
        return None
    differing = [k for k, (a, b) in enumerate(zip(term, window, strict=True)) if a != b]
    return term if len(differing) == 1 and differing[0] in loose else None


def _correct_run(run: str) -> str:
    """One run of Chinese characters with each typo window replaced, left to right, longest first.

    Windows are whole jieba tokens joined, so a window never cuts a word (「哪个部门」 holds no 「个部门」).
    """
    tokens = dictionary_segments(run)
    stop = stopwords()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for count in range(min(len(tokens) - i, max(WINDOWS)), 1, -1):
            parts = tokens[i : i + count]
            window = "".join(parts)
            if len(window) not in WINDOWS:
                continue
            loose: set[int] = set()
            offset = 0
            for part in parts:
                if len(part) == 1 and part not in stop:
                    loose.add(offset)
                offset += len(part)
            word = _replacement(window, loose) if loose else None
            if word:
                out.append(word)
                i += count
                break
        else:
            out.append(tokens[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def corrected(text: str) -> str:
    """Normalised text with homophone typos of the knowledge base's terms corrected."""
    norm = normalize(text)
    return _CJK_RUN.sub(lambda m: _correct_run(m.group()), norm)
