"""Pull the case facts (institution, place, amount, when, child's age) out of a complaint."""

import re
from functools import lru_cache

from knowledge.triage.loader import load_fact_rules
from knowledge.triage.nlp import pipeline

FACT_KEYS = ("institution", "place", "amount", "when", "child_age")


@lru_cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled regexes for amount, when, child_age, the name characters and the stop words."""
    rules = load_fact_rules()
    stops = "|".join(sorted(map(re.escape, rules.prefix_stops), key=len, reverse=True))
    return {
        "amount": re.compile(rules.amount, re.IGNORECASE),
        "amount_in_context": re.compile(rules.amount_in_context),
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
    amount = _amount(text)
    if amount:
        facts["amount"] = amount
    age = _child_age(text)
    if age:
        facts["child_age"] = age
    when = _adjacent_run(pats["when"], text)
    if when:
        facts["when"] = when
    return facts


def _amount(text: str) -> str | None:
    """A sum with its unit (3800元, 两千块); else a bare number after a price or payment word,
    with its period when it has one (「一个月1800」 is a monthly fee of 1800, not an age)."""
    pats = _patterns()
    match = pats["amount"].search(text)
    if match:
        return match.group(0).strip()
    bare = pats["amount_in_context"].search(text)
    if bare is None:
        return None
    return f"{bare.group('period') or ''}{bare.group('num')}"


def _child_age(text: str) -> str | None:
    """The child's age: 「N岁」 always; 「N个月」 only as 「N个月大」 or right after a child word, and
    never when a number follows (「一个月1800」 is a fee) or a rate word precedes (每个月)."""
    rules = load_fact_rules()
    for match in _patterns()["child_age"].finditer(text):
        value = match.group(0).strip()
        if "岁" in value or value.endswith("大"):
            return value
        before = text[max(0, match.start() - 6) : match.start()]
        after = text[match.end() : match.end() + 2]
        if re.match(r"\s*\d", after) or before.endswith(("每", "每个", "一")):
            continue
        if any(word in before for word in rules.child_words):
            return value
    return None


def _recurring(text: str, start: int) -> bool:
    """The time right before `start` says it repeats (每天中午, 天天下午, 每周一)."""
    before = text[max(0, start - 3) : start]
    prefixes = load_fact_rules().recurring_prefixes
    return any(before.endswith(p) or before.endswith(p + "天") for p in prefixes)


def _adjacent_run(pattern: re.Pattern[str], text: str) -> str | None:
    """The first one-off match joined with the matches that directly follow it (昨天 + 下午 + 3点);
    a routine (每天中午) is not the date of the event."""
    matches: list[re.Match[str]] = []
    routine_end = -1
    not_before = tuple(load_fact_rules().when_not_before)
    for m in pattern.finditer(text):
        if not_before and text.startswith(not_before, m.end()):
            continue
        if _recurring(text, m.start()) or m.start() == routine_end:
            routine_end = m.end()  # 每周一 + 下午: the whole run is the routine
            continue
        matches.append(m)
    if not matches:
        return None
    end = matches[0].end()
    for nxt in matches[1:]:
        if nxt.start() != end:
            break
        end = nxt.end()
    return text[matches[0].start() : end].strip()
