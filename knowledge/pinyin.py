"""Pinyin on both sides: a query typed in toneless pinyin meets the entries' titles and keywords read aloud.

「tuoban ji sui keyi shang」 has no Chinese character for BM25 and e5 reads it poorly; its syllable
bigrams (tuo·ban, ban·ji, …) are compared with those of each entry's head text (pypinyin readings).

readable() goes further: a message written wholly in pinyin is read back into the knowledge base's own
words (「peichanjia ji tian」 → 「陪产假几天」), so BM25 and e5 see Chinese. The lexicon is every word of the
entries, synonyms and scope.yml by its toneless reading, the most frequent word winning a shared reading; the
syllables are cut by dynamic programming into the fewest lexicon words, longer words first. A syllable no
word reads as stays as it was typed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from knowledge.homophones import corrected
from knowledge.meaning import pinyin_syllables
from knowledge.text import normalize, segments

_LATIN = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
_WORD_RUN = re.compile(r"[a-z]+(?:[\s'-]+[a-z]+)*")
LONGEST_WORD = 6  # syllables: longer lexicon words are rare and never needed to read a message


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


def character_readings(text: str) -> list[str]:
    """Toneless pypinyin readings of Chinese text, one per character (ü as v)."""
    from pypinyin import Style, lazy_pinyin

    return [r.replace("ü", "v") for r in lazy_pinyin(text, style=Style.NORMAL)]


@lru_cache(maxsize=1)
def word_counts() -> Counter[str]:
    """How often each word occurs in the entries, synonyms and scope.yml: the knowledge base's words."""
    from knowledge.loader import load_knowledge
    from knowledge.retrieval import synonyms

    counts: Counter[str] = Counter()
    for entry in load_knowledge().entries:
        for part in (entry.title, entry.answer, entry.quote, *entry.keywords, *entry.tags):
            counts.update(segments(part))
        counts.update(normalize(t) for t in (*entry.keywords, *entry.tags))
    for key, aliases in synonyms().items():
        counts.update((key, *aliases))
    counts.update(scope_words())
    return counts


@lru_cache(maxsize=1)
def lexicon() -> dict[tuple[str, ...], tuple[str, int]]:
    """Toneless reading → the knowledge base's most frequent word read that way, with its count."""
    counts = word_counts()
    out: dict[tuple[str, ...], tuple[int, str]] = {}
    for word, count in counts.items():
        if not all(_CJK.match(ch) for ch in word) or len(word) > LONGEST_WORD:
            continue
        reading = tuple(character_readings(word))
        if len(reading) != len(word):
            continue
        if reading not in out or count > out[reading][0]:
            out[reading] = (count, word)
    return {reading: (word, count) for reading, (count, word) in out.items()}


def scope_words() -> list[str]:
    """The plain Chinese words of scope.yml (places, medical and other off-topic words, domain words), so
    「chengdu」 reads as 成都 and meets the region filter."""
    from knowledge.scope import scope

    found = scope()
    patterns = [p for c in found.categories for p in (*c.patterns, *c.unless)]
    patterns += found.domain.patterns
    return [normalize(p) for p in patterns if _CJK_WORD.fullmatch(p)]


def _decode(syllables: list[str]) -> str:
    """Syllables as lexicon words: fewest pieces, then the more frequent words; unknown syllables kept
    in latin (each one piece, costing two)."""
    words = lexicon()
    n = len(syllables)
    best: list[tuple[tuple[int, float], list[str]] | None] = [((0, 0.0), [])] + [None] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - LONGEST_WORD), end):
            before = best[start]
            if before is None:
                continue
            piece = tuple(syllables[start:end])
            found = words.get(piece)
            if found is None and end - start > 1:
                continue
            pieces, rarity = before[0]
            if found is None:
                cost, text = (pieces + 2, rarity), f" {piece[0]} "
            else:
                cost, text = (pieces + 1, rarity - math.log(found[1])), found[0]
            current = best[end]
            if current is None or cost < current[0]:
                best[end] = (cost, [*before[1], text])
    last = best[n]
    return "".join(last[1]).strip() if last else " ".join(syllables)


def readable(text: str) -> str:
    """The message as searched: its pinyin read back into Chinese when all its latin words are pinyin, and
    homophone typos of the knowledge base's terms corrected (knowledge.homophones).

    English (「How many days」) has a word that is not pinyin and is left alone; so is a lone syllable.
    """
    norm = normalize(text)
    runs = list(_WORD_RUN.finditer(norm))
    tokens = [t for run in runs for t in re.split(r"[\s'-]+", run.group())]
    pieces = [split_syllables(t) for t in tokens]
    if not tokens or any(p is None for p in pieces) or sum(len(p or []) for p in pieces) < 2:
        return corrected(norm)
    out: list[str] = []
    last = 0
    for run in runs:
        syllables = [s for t in re.split(r"[\s'-]+", run.group()) for s in split_syllables(t) or []]
        out.extend((norm[last : run.start()], _decode(syllables)))
        last = run.end()
    out.append(norm[last:])
    return corrected("".join(out))
