"""Pull the case facts (institution, place, amount, when, child's age) out of a complaint."""

import re
from functools import lru_cache

from api.triage.loader import load_fact_rules
from api.triage.nlp import pipeline

FACT_KEYS = ("institution", "place", "amount", "when", "child_age")


@lru_cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled regexes for amount, when, child_age, the name characters and the stop words."""
    rules = load_fact_rules()
    stops = "|".join(sorted(map(re.escape, rules.prefix_stops), key=len, reverse=True))
    return {
        "amount": re.compile(rules.amount, re.IGNORECASE),
        "when": re.compile(rules.when),
        "child_age": re.compile(rules.child_age),
        "name_char": re.compile(rules.name_chars),
        "stops": re.compile(stops),
    }


def _name_before(text: str, end_of_prefix: int) -> str:
    """Read a proper name backwards from a suffix; the name starts after the last stop word."""
    rules = load_fact_rules()
    pats = _patterns()
    start = end_of_prefix
    while start > 0 and end_of_prefix - start < rules.max_prefix:
        if not pats["name_char"].fullmatch(text[start - 1]):
            break
        start -= 1
    prefix = text[start:end_of_prefix]
    cut = max((m.end() for m in pats["stops"].finditer(prefix)), default=0)
    return prefix[cut:]


def _named_entity(text: str, label: str) -> str | None:
    """The first suffix entity of `label` with a proper-name prefix (阳光宝贝 + 托育中心)."""
    doc = pipeline()(text)
    generic = set(load_fact_rules().generic_names)
    best: str | None = None
    for ent in doc.ents:
        if ent.label_ != label:
            continue
        end = ent.end_char
        prefix = _name_before(text, ent.start_char)
        value = prefix + ent.text
        if prefix and value not in generic and len(prefix) >= 2:
            return text[ent.start_char - len(prefix) : end]
        if best is None and label == "ORG_SUFFIX" and value not in generic and prefix:
            best = value
    return best


def extract_facts(*, text: str) -> dict[str, str]:
    """Facts found in normalised text; a key is present only when its fact was found."""
    pats = _patterns()
    facts: dict[str, str] = {}
    institution = _named_entity(text, "ORG_SUFFIX")
    if institution:
        facts["institution"] = institution
    place = _named_entity(text, "PLACE_SUFFIX")
    if place and place != institution and (not institution or place not in institution):
        facts["place"] = place
    for key in ("amount", "child_age"):
        match = pats[key].search(text)
        if match:
            facts[key] = match.group(0).strip()
    when = _adjacent_run(pats["when"], text)
    if when:
        facts["when"] = when
    return facts


def _adjacent_run(pattern: re.Pattern[str], text: str) -> str | None:
    """The first match joined with the matches that directly follow it (昨天 + 下午 + 3点)."""
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    end = matches[0].end()
    for nxt in matches[1:]:
        if nxt.start() != end:
            break
        end = nxt.end()
    return text[matches[0].start() : end].strip()
