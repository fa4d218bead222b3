"""Decide what the assistant must not answer (other regions, medicine, weather…) from data/scope.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from knowledge.text import normalize, tidy

SCOPE_FILE = Path(__file__).resolve().parent / "data" / "scope.yml"


class Category(BaseModel):
    """One out-of-scope category: its patterns, escape words and reply."""

    name: str
    text: str
    unless: list[str] = []
    patterns: list[str]


class Handoff(BaseModel):
    """When to pass the user to a person, and what to say."""

    patterns: list[str]
    text: str
    no_match: str


class Scope(BaseModel):
    """The parsed scope file."""

    covered: str
    categories: list[Category]
    handoff: Handoff
    domain: dict[str, list[str]]


@lru_cache(maxsize=1)
def scope() -> Scope:
    """scope.yml, loaded once."""
    return Scope.model_validate(yaml.safe_load(SCOPE_FILE.read_text(encoding="utf-8")))


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    """Compiled pattern (plain words are literal apart from regex escapes like \\b)."""
    return re.compile(pattern, re.IGNORECASE)


def _any(patterns: list[str], text: str) -> bool:
    """True when any pattern occurs in text."""
    return any(_regex(p).search(text) for p in patterns)


def out_of_scope_category(text: str) -> Category | None:
    """The first out-of-scope category the text falls in, or None."""
    norm = normalize(text)
    for category in scope().categories:
        if _any(category.patterns, norm) and not _any(category.unless, norm):
            return category
    return None


def out_of_scope_text(category: Category | None) -> str:
    """Polite decline: why, what is covered, and the {hotline} placeholder."""
    reason = category.text if category else "这个问题不在我的服务范围内。"
    return reason + tidy(scope().covered)


def wants_human(text: str) -> bool:
    """The user asks for a person rather than an answer."""
    return _any(scope().handoff.patterns, normalize(text))


def handoff_text(*, no_match: bool) -> str:
    """Reply that passes the user to the hotline."""
    handoff = scope().handoff
    return handoff.no_match if no_match else handoff.text


def in_domain(text: str) -> bool:
    """The text talks about infant care or its policy, even if no entry matched."""
    return _any(scope().domain["patterns"], normalize(text))
