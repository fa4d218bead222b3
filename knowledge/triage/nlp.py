"""The shared spaCy pipeline: blank Chinese (one token per character) plus rule components."""

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher

from knowledge.triage.loader import load_fact_rules, load_pii_rules

CJK = r"^[\u4e00-\u9fff]$"


@lru_cache
def pipeline() -> Language:
    """spacy.blank("zh") with an EntityRuler for institution and place suffixes (built lazily)."""
    nlp = spacy.blank("zh")
    rules = load_fact_rules()
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "TEXT"})
    patterns = [{"label": "ORG_SUFFIX", "pattern": s} for s in rules.institution_suffixes]
    patterns += [{"label": "PLACE_SUFFIX", "pattern": s} for s in rules.place_suffixes]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


@lru_cache
def name_matcher() -> Matcher:
    """Matcher for names: trigger (我叫/本人/姓名…) + surname + 0–2 given-name characters, or 王女士."""
    nlp = pipeline()
    rules = load_pii_rules()
    given = {"TEXT": {"REGEX": CJK, "NOT_IN": rules.name_stops}, "OP": "?"}
    single = [s for s in rules.surnames if len(s) == 1]
    double = [s for s in rules.surnames if len(s) == 2]
    matcher = Matcher(nlp.vocab)
    for trigger in rules.name_triggers:
        head = [{"TEXT": ch} for ch in trigger] + [{"TEXT": {"IN": [":", "：", " "]}, "OP": "?"}]
        matcher.add(
            "NAME_AFTER", [[*head, {"TEXT": {"IN": single}}, given, given]], greedy="LONGEST"
        )
        matcher.add(
            "NAME_AFTER",
            [[*head, {"TEXT": s[0]}, {"TEXT": s[1]}, given, given] for s in double],
            greedy="LONGEST",
        )
    for title in rules.name_titles:
        tail = [{"TEXT": ch} for ch in title]
        matcher.add("NAME_TITLE", [[{"TEXT": {"IN": single}}, *tail]], greedy="LONGEST")
    matcher.add("NAME_SURNAME", [[{"TEXT": "姓"}, {"TEXT": {"IN": single}}]], greedy="LONGEST")
    return matcher


def trigger_lengths() -> dict[str, int]:
    """Token length of each name trigger, longest first, to cut the trigger off a match."""
    return {t: len(t) for t in sorted(load_pii_rules().name_triggers, key=len, reverse=True)}
