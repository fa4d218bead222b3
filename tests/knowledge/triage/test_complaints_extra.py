"""The second labelled complaint set (complaints_extra.yml): schema, known names, no duplicates, balance."""

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parents[3] / "knowledge" / "data"
TRIAGE = DATA / "triage"
EXTRA = TRIAGE / "complaints_extra.yml"
KEYS = {"text", "departments", "also_ok", "urgency", "category"}
# a department whose duties cover a category must be named in at least this many complaints
MIN_PER_DEPARTMENT = 40
MIN_PER_CATEGORY = 10


def _departments_file() -> Path:
    """departments.yml moves into data/triage/ with the triage package; accept either place."""
    for path in (TRIAGE / "departments.yml", DATA / "departments.yml"):
        if path.exists():
            return path
    raise FileNotFoundError("departments.yml")


def _load(path: Path) -> Any:
    """Read one YAML data file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _squash(text: str) -> str:
    """Text without punctuation, spaces or case: near-identical complaints count as one."""
    return re.sub(r"[\W_]+", "", text.lower())


@pytest.fixture(scope="module")
def extra() -> list[dict[str, Any]]:
    """Every complaint of complaints_extra.yml."""
    return _load(EXTRA)["complaints"]


@pytest.fixture(scope="module")
def duty_categories() -> dict[str, set[str]]:
    """Department name → the complaint categories its quoted duties cover."""
    return {
        d["name"]: {c for duty in d["duties"] for c in duty["categories"]}
        for d in _load(_departments_file())["departments"]
    }


@pytest.fixture(scope="module")
def categories() -> list[str]:
    """The category names of categories.yml."""
    return [c["name"] for c in _load(TRIAGE / "categories.yml")["categories"]]


def test_at_least_six_hundred(extra: list[dict[str, Any]]) -> None:
    assert len(extra) >= 600


def test_schema(extra: list[dict[str, Any]]) -> None:
    wrong = [
        c.get("text")
        for c in extra
        if set(c) != KEYS
        or not isinstance(c["text"], str)
        or not c["text"].strip()
        or not isinstance(c["departments"], list)
        or not 1 <= len(c["departments"]) <= 3
        or not isinstance(c["also_ok"], list)
        or c["urgency"] not in ("urgent", "normal")
    ]
    assert wrong == []


def test_known_names(
    extra: list[dict[str, Any]],
    duty_categories: dict[str, set[str]],
    categories: list[str],
) -> None:
    unknown = [
        c["text"]
        for c in extra
        if c["category"] not in categories
        or not set(c["departments"]) | set(c["also_ok"]) <= set(duty_categories)
    ]
    assert unknown == []


def test_departments_distinct_and_apart_from_also_ok(extra: list[dict[str, Any]]) -> None:
    wrong = [
        c["text"]
        for c in extra
        if len(set(c["departments"])) != len(c["departments"])
        or len(set(c["also_ok"])) != len(c["also_ok"])
        or set(c["departments"]) & set(c["also_ok"])
    ]
    assert wrong == []


def test_lead_has_a_duty_for_the_category(
    extra: list[dict[str, Any]], duty_categories: dict[str, set[str]]
) -> None:
    ungrounded = [
        (c["departments"][0], c["category"], c["text"])
        for c in extra
        if c["category"] not in duty_categories[c["departments"][0]]
    ]
    assert ungrounded == []


def test_no_duplicates_within_or_with_the_first_set(extra: list[dict[str, Any]]) -> None:
    first = {_squash(c["text"]) for c in _load(TRIAGE / "labelled_complaints.yml")["complaints"]}
    keys = [_squash(c["text"]) for c in extra]
    repeated = [k for k, n in Counter(keys).items() if n > 1]
    assert repeated == []
    assert [k for k in keys if k in first] == []


def _bigrams(text: str) -> set[str]:
    """Character bigrams of the squashed text."""
    s = _squash(text)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def test_no_close_paraphrase_of_the_first_set(extra: list[dict[str, Any]]) -> None:
    first = [_bigrams(c["text"]) for c in _load(TRIAGE / "labelled_complaints.yml")["complaints"]]
    close = [
        c["text"]
        for c in extra
        for b in [_bigrams(c["text"])]
        if any(len(b & f) / len(b | f) > 0.5 for f in first)
    ]
    assert close == []


def test_every_category_represented_and_none_dominates(
    extra: list[dict[str, Any]], categories: list[str]
) -> None:
    counts = Counter(c["category"] for c in extra)
    assert {k: counts[k] for k in categories if counts[k] < MIN_PER_CATEGORY} == {}
    assert max(counts.values()) <= 0.12 * len(extra)


def test_every_department_with_a_duty_well_represented(
    extra: list[dict[str, Any]], duty_categories: dict[str, set[str]]
) -> None:
    counts = Counter(d for c in extra for d in c["departments"])
    thin = {
        d: counts[d]
        for d, covered in duty_categories.items()
        if covered and counts[d] < MIN_PER_DEPARTMENT
    }
    assert thin == {}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("收费/退费", "税收"),
        ("卫生/传染病/饮用水", "治安/虐童/安全防范"),
        ("消防", "消防审批"),
        ("从业人员资质/培训", "治安/虐童/安全防范"),
        ("房屋安全/施工", "治安/虐童/安全防范"),
    ],
)
def test_hard_boundaries_have_both_sides(extra: list[dict[str, Any]], one: str, other: str) -> None:
    counts = Counter(c["category"] for c in extra)
    assert counts[one] >= 40 and counts[other] >= 40


def test_security_staff_licensing_is_on_the_police_side(extra: list[dict[str, Any]]) -> None:
    guards = [c for c in extra if re.search("保安(员)?(证|资质|上岗证)", c["text"])]
    assert len(guards) >= 8
    police = [c for c in guards if "市公安局仁和区分局" in c["departments"]]
    assert len(police) >= 0.6 * len(guards)


def test_urgent_share_and_resolved_counterparts(extra: list[dict[str, Any]]) -> None:
    urgent = [c for c in extra if c["urgency"] == "urgent"]
    assert 0.10 <= len(urgent) / len(extra) <= 0.25
    resolved = re.compile(
        "(已经|现在)(都)?(好了|没事|康复|恢复|拆线|结痂|消了)|上(个)?(月|礼拜|周|学期)"
    )
    past = [c for c in extra if c["urgency"] == "normal" and resolved.search(c["text"])]
    assert len(past) >= 30
