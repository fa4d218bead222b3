"""The one text normaliser of the app runtime (retrieval, scope, triage, repeats) and the tokeniser.

Every module that compares user text uses normalize()/fold()/to_simplified() from here, so index and
queries, complaints and their triage rules see the same characters.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import opencc

jieba.setLogLevel(
    logging.WARNING
)  # its prefix-dictionary progress lines are not the app's business

DATA_DIR = Path(__file__).resolve().parent / "data"
USERDICT = DATA_DIR / "userdict.txt"
STOPWORDS = DATA_DIR / "stopwords.txt"

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_TOKEN_OK = re.compile(r"[\u4e00-\u9fff0-9a-z]")
_SPACE = re.compile(r"\s+")
_SENTENCE_GAP = re.compile(r"(?<=[。！？；：，、）”])\s+")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    """Traditional→simplified converter, built once."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain dictionary, so global jieba state stays untouched."""
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USERDICT))
    return tokenizer


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """The words of the domain dictionary (data/userdict.txt, one `word freq tag` per line)."""
    lines = USERDICT.read_text(encoding="utf-8").splitlines()
    return tuple(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


def is_dictionary_word(word: str) -> bool:
    """jieba's dictionary (with the domain words) lists the word with a frequency."""
    tokenizer = _tokenizer()
    tokenizer.check_initialized()
    return bool(tokenizer.FREQ.get(word))


def dictionary_segments(norm: str) -> list[str]:
    """jieba segments of normalised text from the dictionary alone: an unknown word stays single characters."""
    return list(_tokenizer().lcut(norm, HMM=False))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words that carry no topic (one per line in data/stopwords.txt)."""
    lines = STOPWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def to_simplified(text: str) -> str:
    """Traditional → simplified characters only (same length for almost every text: PII offsets survive)."""
    return _converter().convert(text)


def fold(text: str) -> str:
    """NFKC width folding (full-width letters, digits, punctuation) and traditional → simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The app's one normaliser: simplified Chinese, NFKC width folding, lower case and single spaces."""
    return _SPACE.sub(" ", fold(text)).strip().lower()


def tidy(text: str) -> str:
    """Drop the spaces YAML folding leaves after Chinese punctuation, keep those like "98 天"."""
    return _SENTENCE_GAP.sub("", " ".join(text.split()))


def compact(text: str) -> str:
    """Text with every whitespace removed, used to check quotes against the sources."""
    return "".join(text.split())


@lru_cache(maxsize=4096)
def _segment(norm: str) -> tuple[str, ...]:
    """jieba segmentation of already normalised text (cached: queries are segmented several times)."""
    return tuple(_tokenizer().lcut(norm))


def segments(text: str) -> list[str]:
    """Every jieba segment of normalised text, stopwords included, whitespace and punctuation left out."""
    return [w for w in (s.strip() for s in _segment(normalize(text))) if w and _TOKEN_OK.search(w)]


def words(text: str) -> list[str]:
    """jieba words of normalised text, without stopwords and punctuation."""
    stop = stopwords()
    out = []
    for word in _segment(normalize(text)):
        word = word.strip()
        if word and word not in stop and _TOKEN_OK.search(word):
            out.append(word)
    return out


def _content_runs(norm: str) -> list[str]:
    """Runs of Chinese characters between stopword tokens, as jieba segments them."""
    stop = stopwords()
    runs: list[str] = []
    current = ""
    for token in _segment(norm):
        if token in stop or not _CJK_RUN.fullmatch(token):
            if current:
                runs.append(current)
            current = ""
        else:
            current += token
    if current:
        runs.append(current)
    return runs


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of content words (robust to typos and unknown words)."""
    out: list[str] = []
    stop = stopwords()
    for run in _content_runs(normalize(text)):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return [bg for bg in out if bg not in stop]


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba words plus character bigrams."""
    return words(text) + bigrams(text)
