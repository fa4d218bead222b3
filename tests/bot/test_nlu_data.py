"""Checks the Chinese NLU training data and entity vocabulary so bad data fails before training."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml

jieba = pytest.importorskip("jieba", reason="engine runtime only (.venv-engine)")
opencc = pytest.importorskip("opencc", reason="engine runtime only (.venv-engine)")
pytest.importorskip("rasa", reason="engine runtime only (.venv-engine)")

from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from tests.canonical import CANONICAL_DEPARTMENTS as _CANONICAL  # noqa: E402

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
ENTITIES_FILE = ROOT / "bot" / "lookup" / "entities.yml"
DICTIONARY = ROOT / "bot" / "dictionary"  # JiebaTokenizer loads every file here
USERDICTS = sorted(DICTIONARY.glob("*.txt"))  # userdict.txt by hand, departments.txt generated

MIN_EXAMPLES = 35

POLICY_INTENTS = {
    "ask_maternity_leave",
    "ask_paternity_leave",
    "ask_leave_pay",
    "ask_leave_calculation",
    "ask_flexible_work",
    "ask_employment_support",
    "ask_parenting_guidance",
    "ask_infant_health",
    "ask_kindergarten_toban",
    "ask_community_childcare",
    "ask_employer_childcare",
    "ask_service_types",
    "ask_safety_responsibility",
    "ask_staff_qualification",
    "ask_supervision",
    "ask_department_duty",
    "ask_open_institution",
    "ask_complaint_channel",
    "ask_policy_overview",
    "ask_residential_facilities",
    "ask_childcare_subsidy",
}
CONVERSATION_INTENTS = {
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "bot_challenge",
    "human_handoff",
    "continue_bot",
    "stop",
    "out_of_scope",
}
FORM_INTENTS = {
    "file_complaint",
    "check_complaint_status",
    "inform",
    "correct",
    "start_leave_calculator",
    "start_operator_guide",
}
EXPECTED_INTENTS = POLICY_INTENTS | CONVERSATION_INTENTS | FORM_INTENTS

KNOWN_ENTITIES = {
    "department",
    "leave_type",
    "service_type",
    "place",
    "child_age",
    "phone",
    "ticket",
}

# 攀仁府办〔2020〕128号 四、组织实施（二） plus 乡镇（街道） (docs/architecture.md).
CANONICAL_DEPARTMENTS = set(_CANONICAL)

# Near-identical texts in two intents confuse the classifier; bigram Jaccard at or above this is a conflict.
CONFLICT_JACCARD = 0.75


@pytest.fixture(scope="module")
def training_data() -> TrainingData:
    """Loads data/nlu with Rasa's own loader, exactly as `rasa train` would."""
    return load_data(str(NLU_DIR))


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, dict[str, list[str]]]:
    """Reads the structured entity vocabulary used by the EntityRuler."""
    return yaml.safe_load(ENTITIES_FILE.read_text(encoding="utf-8"))


_T2S = opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    """What the pipeline's ChineseNormalizer feeds the tokenizer: simplified, NFKC, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", _T2S.convert(text)).lower().split())


def _normalise(text: str) -> str:
    """Reduces a text to its letters and digits so punctuation/emoji/space variants count as the same."""
    text = _simplified(text)
    return "".join(ch for ch in text if ch.isalnum()) or text


def _bigrams(text: str) -> set[str]:
    """Character bigrams of a normalised text."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _regexes(td: TrainingData) -> dict[str, list[str]]:
    """Groups the regex features by name."""
    out: dict[str, list[str]] = defaultdict(list)
    for item in td.regex_features:
        out[item["name"]].append(item["pattern"])
    return out


def test_every_listed_intent_is_present(training_data: TrainingData) -> None:
    missing = EXPECTED_INTENTS - set(training_data.intents)
    assert not missing, f"intents missing from data/nlu: {missing}"


def test_every_intent_has_enough_examples(training_data: TrainingData) -> None:
    """Covers the listed intents; flow-specific intents other files add (retry_submit, …) are theirs to size."""
    counts = Counter(m.get("intent") for m in training_data.intent_examples)
    thin = {
        intent: counts.get(intent, 0)
        for intent in EXPECTED_INTENTS
        if counts.get(intent, 0) < MIN_EXAMPLES
    }
    assert not thin, f"intents below {MIN_EXAMPLES} examples: {thin}"


def test_no_duplicate_examples(training_data: TrainingData) -> None:
    """Exact repeats anywhere, and texts that become identical after 繁→简 but carry different intents."""
    raw: set[str] = set()
    simplified: dict[str, str] = {}
    dupes = []
    for message in training_data.intent_examples:
        text, intent = message.get("text"), message.get("intent")
        if text.strip() in raw:
            dupes.append((text, intent))
        raw.add(text.strip())
        key = _simplified(text)
        if simplified.get(key, intent) != intent:
            dupes.append((text, simplified[key], intent))
        simplified.setdefault(key, intent)
    assert not dupes, f"duplicate examples: {dupes}"


def test_no_near_identical_examples_across_intents(training_data: TrainingData) -> None:
    items = [(m.get("intent"), _normalise(m.get("text"))) for m in training_data.intent_examples]
    grams = [(intent, text, _bigrams(text)) for intent, text in items]
    conflicts = []
    for (ia, ta, ga), (ib, tb, gb) in combinations(grams, 2):
        if ia == ib or len(ga) < 3 or len(gb) < 3:
            continue
        if len(ga & gb) / len(ga | gb) >= CONFLICT_JACCARD:
            conflicts.append((ia, ta, ib, tb))
    assert not conflicts, f"near-identical examples in two intents: {conflicts}"


def test_entity_annotations_use_known_entity_names(training_data: TrainingData) -> None:
    used = {e["entity"] for m in training_data.intent_examples for e in m.get("entities") or []}
    assert used, "no entity annotations at all"
    assert used <= KNOWN_ENTITIES, f"unknown entity names: {used - KNOWN_ENTITIES}"


def test_every_entity_is_annotated_somewhere(training_data: TrainingData) -> None:
    used = Counter(
        e["entity"] for m in training_data.intent_examples for e in m.get("entities") or []
    )
    assert set(used) == KNOWN_ENTITIES, f"entities never annotated: {KNOWN_ENTITIES - set(used)}"


def test_annotated_values_resolve_to_canonical_vocabulary(
    training_data: TrainingData, vocabulary: dict[str, dict[str, list[str]]]
) -> None:
    synonyms: dict[str, str] = training_data.entity_synonyms
    bad = []
    for message in training_data.intent_examples:
        for ent in message.get("entities") or []:
            if ent["entity"] not in vocabulary:
                continue
            value = synonyms.get(ent["value"], ent["value"])
            if value not in vocabulary[ent["entity"]]:
                bad.append((message.get("text"), ent["entity"], ent["value"]))
    assert not bad, f"annotations whose value is not a canonical name or known alias: {bad}"


def test_shaped_entities_match_their_regex(training_data: TrainingData) -> None:
    regexes = _regexes(training_data)
    bad = []
    for message in training_data.intent_examples:
        for ent in message.get("entities") or []:
            if ent["entity"] in ("phone", "ticket", "child_age") and not any(
                re.fullmatch(p, ent["value"]) for p in regexes[ent["entity"]]
            ):
                bad.append((ent["entity"], ent["value"]))
    assert not bad, f"annotated values not matched by regex.yml: {bad}"


def test_regexes_reject_lookalikes(training_data: TrainingData) -> None:
    regexes = _regexes(training_data)
    phone = regexes["phone"][0]
    assert re.search(phone, "电话13912345678谢谢")
    assert not re.search(phone, "12912345678")
    assert not re.search(phone, "139123456789")
    ticket = regexes["ticket"][0]
    assert re.search(ticket, "查询TY20261128-0042进度")
    assert not re.search(ticket, "TY2026112-0042")


def test_entity_annotations_align_with_jieba_tokens(training_data: TrainingData) -> None:
    """Rasa drops entity labels that cut through a token, so every span must sit on jieba boundaries."""
    tokenizer = jieba.Tokenizer()
    for userdict in USERDICTS:
        tokenizer.load_userdict(str(userdict))
    bad = []
    for message in training_data.intent_examples:
        text = message.get("text")
        starts = {s for _, s, _ in tokenizer.tokenize(text)}
        ends = {e for _, _, e in tokenizer.tokenize(text)}
        for ent in message.get("entities") or []:
            if ent["start"] not in starts or ent["end"] not in ends:
                bad.append(
                    (
                        text,
                        text[ent["start"] : ent["end"]],
                        [w for w, _, _ in tokenizer.tokenize(text)],
                    )
                )
    assert not bad, f"entity spans not on token boundaries: {bad}"


def test_departments_use_plan_canonical_names(vocabulary: dict[str, dict[str, list[str]]]) -> None:
    assert set(vocabulary["department"]) == CANONICAL_DEPARTMENTS
    assert set(vocabulary) == {"department", "leave_type", "service_type", "place"}


def test_no_alias_points_to_two_canonical_values(
    vocabulary: dict[str, dict[str, list[str]]],
) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for entity, canon in vocabulary.items():
        for value, aliases in canon.items():
            assert value in aliases, f"{entity}.{value} should list itself as an alias"
            for alias in aliases:
                if alias in owner and owner[alias] != value:
                    clashes.append((alias, owner[alias], value))
                owner[alias] = value
    assert not clashes, f"aliases claimed by two canonical values: {clashes}"


def test_lookups_and_synonyms_mirror_vocabulary(
    training_data: TrainingData, vocabulary: dict[str, dict[str, list[str]]]
) -> None:
    lookups: dict[str, set[str]] = {
        t["name"]: set(t["elements"]) for t in training_data.lookup_tables
    }
    for entity, canon in vocabulary.items():
        aliases = {a for values in canon.values() for a in values}
        assert lookups.get(entity) == aliases, f"lookups.yml out of sync for {entity}"
        for value, values in canon.items():
            for alias in values:
                if alias != value:
                    assert training_data.entity_synonyms.get(alias) == value, (
                        f"synonym {alias} -> {value} missing"
                    )


def test_userdict_is_well_formed_and_covers_vocabulary(
    vocabulary: dict[str, dict[str, list[str]]],
) -> None:
    words: dict[str, Any] = {}
    assert {p.name for p in USERDICTS} == {p.name for p in DICTIONARY.iterdir()}
    lines = [line for path in USERDICTS for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        parts = line.split(" ")
        assert len(parts) == 3 and parts[1].isdigit() and parts[2].isalpha(), (
            f"bad userdict line: {line!r}"
        )
        assert parts[0] not in words, f"duplicate userdict word: {parts[0]}"
        words[parts[0]] = parts[1]
    aliases = {a for canon in vocabulary.values() for values in canon.values() for a in values}
    missing = {a for a in aliases if not re.fullmatch(r"[A-Za-z0-9]+", a)} - set(words)
    assert not missing, f"aliases missing from userdict: {missing}"
    for term in (
        "护理假",
        "陪产假",
        "三优中心",
        "家庭医生签约",
        "公办民营",
        "房屋安全鉴定",
        "租赁登记备案",
    ):
        assert term in words
