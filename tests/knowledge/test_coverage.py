"""Every clause of the shipped sources is quoted by an entry or reviewed as skippable, and the check can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.coverage import (
    SKIP_REASONS,
    SOURCES,
    clauses,
    coverage,
    covering,
    key,
    load_skips,
    split_markdown,
    split_plan,
)
from knowledge.loader import DATA_DIR, load_knowledge
from knowledge.models import Citation

QUESTIONS_DIR = DATA_DIR / "questions"
NEW_ENTRY_FILES = ("plan_clauses", "national")


def _listing(clauses_: object) -> str:
    """Uncovered clauses, one a line, for the failure message."""
    return "\n".join(f"{c.source}#{c.index}: {c.text}" for c in clauses_)  # type: ignore[attr-defined]


def test_every_clause_is_covered_or_reviewed() -> None:
    report = coverage()
    assert not report.uncovered, "clauses no entry quotes:\n" + _listing(report.uncovered)
    assert not report.stale_skips, [s.clause for s in report.stale_skips]
    assert len(report.covered) + len(report.skipped) == len(report.clauses)


def test_the_check_fails_when_an_entry_is_removed(data_copy: Path) -> None:
    (data_copy / "coverage_skip.yml").write_bytes((DATA_DIR / "coverage_skip.yml").read_bytes())
    path = data_copy / "entries" / "plan_clauses.yml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(
        yaml.safe_dump([i for i in items if i["id"] != "staff-certificates"], allow_unicode=True),
        encoding="utf-8",
    )
    report = coverage(data_copy)
    assert [c.text for c in report.uncovered] == [
        "加强照护服务从业人员管理，建立相应的准入标准，从业人员应经培训取得相应资格后，按照规定持证上岗；",
        "建立健全照护服务机构及从业人员的评估监测制度，加强从业人员工作过程的管理。",
    ]


def test_a_skip_that_matches_nothing_is_reported(data_copy: Path, tmp_path: Path) -> None:
    skip = tmp_path / "skip.yml"
    raw = yaml.safe_load((DATA_DIR / "coverage_skip.yml").read_text(encoding="utf-8"))
    raw["skip"].append({"source": SOURCES[0], "clause": "五、附则", "reason": "heading"})
    skip.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    report = coverage(skip_file=skip)
    assert [s.clause for s in report.stale_skips] == ["五、附则"]


def test_skip_reasons_are_one_reviewed_word(tmp_path: Path) -> None:
    skips = load_skips()
    assert skips and all(s.reason in SKIP_REASONS for s in skips)
    bad = tmp_path / "skip.yml"
    bad.write_text(
        yaml.safe_dump({"skip": [{"source": SOURCES[0], "clause": "x", "reason": "boring"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="bad skip"):
        load_skips(bad)


def test_skipped_clauses_state_no_duty_or_figure() -> None:
    """A reviewed skip never hides a plan clause that assigns a duty (负责, 应) or sets a target (到2025年)."""
    for clause in coverage().skipped:
        if clause.source == SOURCES[0]:
            for marker in ("负责", "应经", "应当", "到2025年"):
                assert marker not in clause.text, clause.text


def test_plan_splits_into_sentences_semicolon_clauses_and_headings() -> None:
    pieces = split_plan(
        "三、主要任务\n\n（一）加强\n对婴幼儿照护的支持和指导。\n 1.落实产假政策。甲负责A；负责B。"
    )
    assert pieces == [
        "三、主要任务",
        "（一）加强对婴幼儿照护的支持和指导。",
        "1.落实产假政策。",
        "甲负责A；",
        "负责B。",
    ]
    # 二中、三中 inside a sentence is not a heading
    assert len(split_plan("十九届二中、三中、四中全会精神。")) == 1


def test_markdown_splits_bullets_rows_and_sentences() -> None:
    text = (
        "# Title\n\n- first bullet\n  continues here. high\n- second; still one\n\n"
        "| fact | value | confidence |\n|---|---|---|\n| 婚假 | 20 days | high |\n\n"
        "One sentence. Another sentence; a clause.\n"
    )
    assert split_markdown(text) == [
        "Title",
        "first bullet continues here.",
        "second; still one",
        "婚假 | 20 days",
        "One sentence.",
        "Another sentence;",
        "a clause.",
    ]


def test_matching_key_ignores_punctuation_width_and_script() -> None:
    assert key("產假 98 天，其中：") == key("产假98天其中") == "产假98天其中"


def _cite(quote: str) -> Citation:
    return Citation(doc="renhe-2020-128", section="s", quote=quote)


def test_cover_rules_containment_overlap_and_pieces() -> None:
    clause = key("负责规范和维护市场经营秩序，承担消费者权益保护责任；")
    assert covering(
        clause, [("a", _cite("区市场监管局……负责规范和维护市场经营秩序，承担消费者权益保护责任；"))]
    ) == ("a",)
    # a short heading is never covered by a 4-character overlap
    assert covering(key("2.规范管理。"), [("b", _cite("建立健全规范管理体系"))]) == ()
    # a sentence quoted in two pieces by two entries
    long = key(
        "生育假、护理假视为出勤，工资福利待遇不变，鼓励用人单位采取灵活安排工作时间等积极措施。"
    )
    pieces = [
        ("pay", _cite("生育假、护理假视为出勤，工资福利待遇不变")),
        ("flex", _cite("鼓励用人单位采取灵活安排工作时间等积极措施")),
    ]
    assert set(covering(long, pieces)) == {"pay", "flex"}
    assert covering(long, pieces[:1]) == ()


def test_every_source_is_split() -> None:
    found = {c.source for c in clauses()}
    assert found == set(SOURCES)


def test_new_entries_have_ten_labelled_questions() -> None:
    kb = load_knowledge()
    new = {e.id for e in kb.entries if e.group in NEW_ENTRY_FILES}
    questions = [
        q
        for name in NEW_ENTRY_FILES
        for q in yaml.safe_load((QUESTIONS_DIR / f"{name}.yml").read_text(encoding="utf-8"))[
            "questions"
        ]
    ]
    counts: dict[str, int] = {}
    for q in questions:
        assert set(q) == {"text", "entry"} and q["text"].strip(), q
        assert kb.entry(q["entry"]) is not None, q
        counts[q["entry"]] = counts.get(q["entry"], 0) + 1
    texts = [q["text"] for q in questions]
    assert len(texts) == len(set(texts)), "duplicate question texts"
    for entry_id in new:
        assert counts.get(entry_id, 0) >= 10, entry_id


def test_the_ratio_question_is_answered_by_saying_there_is_no_figure() -> None:
    entry = load_knowledge().entry("staff-ratio")
    assert entry is not None and "没有规定" in entry.answer and "区卫生健康局" in entry.answer
    certs = load_knowledge().entry("staff-certificates")
    assert certs is not None and "持证上岗" in certs.quote and "保育员" in certs.answer
