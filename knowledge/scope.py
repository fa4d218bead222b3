"""Decide what the assistant must not answer (other regions, medicine, weather…) from data/scope.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from knowledge.loader import load_knowledge
from knowledge.retrieval import synonyms
from knowledge.text import normalize, tidy

SCOPE_FILE = Path(__file__).resolve().parent / "data" / "scope.yml"
_DIGITS_ONLY = re.compile(r"^[\d\s.]+天?$")


class Category(BaseModel):
    """One out-of-scope category: its patterns, escape words and reply.

    topic: a subject filter (stocks, weather…) that a childcare word in the same message overrides;
    region and medical filters (topic false) apply whatever else the message says.
    """

    name: str
    text: str
    topic: bool = False
    unless: list[str] = []
    patterns: list[str]


class Handoff(BaseModel):
    """When to pass the user to a person, and what to say."""

    patterns: list[str]
    text: str
    no_match: str


class Domain(BaseModel):
    """Words that mark a message as infant-care talk beyond the entries' own vocabulary."""

    patterns: list[str]
    loose: list[str] = []
    not_terms: list[str] = []


class Scope(BaseModel):
    """The parsed scope file."""

    covered: str
    categories: list[Category]
    handoff: Handoff
    domain: Domain
    asks_department: list[str]
    files_complaint: list[str] = []
    starts_operator_guide: list[str] = []
    starts_leave_calculator: list[str] = []
    complaint_terms: list[str] = []


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


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """The knowledge base's own vocabulary: entry keywords and tags plus synonym terms.

    Too-general words (scope.yml domain.not_terms, with the aliases of synonym terms listed there),
    single characters and bare numbers are left out, so "健身房营业执照" or "老公炒股" do not count.
    """
    skip = {normalize(t) for t in scope().domain.not_terms}
    raw: set[str] = set()
    for entry in load_knowledge().entries:
        raw.update(entry.keywords)
        raw.update(entry.tags)
    for key, aliases in synonyms().items():
        if key in skip:
            skip.update(aliases)
        else:
            raw.update((key, *aliases))
    terms = {normalize(t) for t in raw}
    kept = {t for t in terms if len(t) >= 2 and t not in skip and not _DIGITS_ONLY.match(t)}
    return tuple(sorted(kept, key=lambda t: (-len(t), t)))


def domain_hits(text: str) -> list[str]:
    """Infant-care words the text contains: knowledge-base terms (longest first), then domain patterns."""
    norm = normalize(text)
    found = [t for t in domain_terms() if t in norm]
    return found + [p for p in scope().domain.patterns if _regex(p).search(norm)]


def out_of_scope_category(text: str) -> Category | None:
    """The first out-of-scope category the text falls in, or None.

    Topic filters step aside when the text also uses the knowledge base's own vocabulary
    ("基金会办非营利托育" is a registration question, not a fund question).
    """
    norm = normalize(text)
    topical: bool | None = None
    for category in scope().categories:
        if not _any(category.patterns, norm) or _any(category.unless, norm):
            continue
        if category.topic:
            if topical is None:
                topical = bool(domain_hits(norm))
            if topical:
                continue
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
    norm = normalize(text)
    return bool(domain_hits(norm)) or _any(scope().domain.loose, norm)


def asks_instead(text: str, *, flow: str) -> bool:
    """A message NLU took for the start of a flow (complaint, operator_guide) that only asks one who-question."""
    starters = {
        "complaint": scope().files_complaint,
        "operator_guide": scope().starts_operator_guide,
    }
    normalized = normalize(text)
    return _any(scope().asks_department, normalized) and not _any(starters[flow], normalized)


def asks_leave_question(text: str) -> bool:
    """A message NLU took for the leave calculator that asks how many days a rule gives, not for an end date."""
    normalized = normalize(text)
    return looks_asking(normalized) and not _any(scope().starts_leave_calculator, normalized)


_ASKING = re.compile(
    r"[?？]|吗|什么|怎么|咋|哪个|哪些|几天|多少|多久|多长|能不能|可不可以|是否|有没有|谁|几|how|what"
)


def looks_asking(text: str) -> bool:
    """A question mark or a question word."""
    return bool(_ASKING.search(text))


def asks_not_files(text: str) -> bool:
    """A message NLU took for a complaint that only asks where such a problem goes (no 我要投诉-style wording)."""
    return asks_instead(text, flow="complaint")


def about_complaints(text: str) -> bool:
    """The text talks about complaining (投诉, 举报, 工单…)."""
    return _any(scope().complaint_terms, normalize(text))


def asks_department(text: str) -> bool:
    """The text asks who handles something (找谁, 哪个部门, 归谁管…)."""
    return _any(scope().asks_department, normalize(text))
