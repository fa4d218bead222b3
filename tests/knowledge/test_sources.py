"""Versioned sources: which version is in force on a date, entries by date, and what kb-check flags."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.answer import answer
from knowledge.clock import fixed_today, today
from knowledge.kb_check import problems, source_rows
from knowledge.loader import load_knowledge
from knowledge.sources import in_force, stale_citations, status, superseded_by, versions

D = dt.date


@pytest.mark.parametrize(
    ("series", "day", "expected"),
    [
        ("sc-pfp", D(2015, 12, 31), None),
        ("sc-pfp", D(2016, 1, 1), "sc-pfp-2016"),
        ("sc-pfp", D(2021, 9, 28), "sc-pfp-2016"),
        ("sc-pfp", D(2021, 9, 29), "sc-pfp-2021"),
        ("sc-pfp", D(2025, 11, 27), "sc-pfp-2021"),
        ("sc-pfp", D(2025, 11, 28), "sc-pfp-2025"),
        ("sc-pfp", D(2030, 1, 1), "sc-pfp-2025"),
        ("cn-iit-infant-care", D(2022, 6, 1), "cn-iit-2022"),
        ("cn-iit-infant-care", D(2023, 1, 1), "cn-iit-2023"),
        ("sc-12345", D(2025, 12, 1), "sc-12345-2022"),
        ("sc-12345", D(2026, 12, 1), "sc-12345-2025"),
        ("renhe-infant-care-plan", D(2026, 12, 1), "renhe-2020-128"),
    ],
)
def test_version_in_force_on_a_date(series: str, day: dt.date, expected: str | None) -> None:
    found = in_force(series, day)
    assert (found.id if found else None) == expected


def test_versions_chain_through_supersedes() -> None:
    chain = [d.id for d in versions("sc-pfp")]
    assert chain == ["sc-pfp-2016", "sc-pfp-2021", "sc-pfp-2025"]
    assert superseded_by("sc-pfp-2016").id == "sc-pfp-2021"  # type: ignore[union-attr]
    assert superseded_by("sc-pfp-2021").id == "sc-pfp-2025"  # type: ignore[union-attr]
    docs = load_knowledge().documents
    assert status(docs["sc-pfp-2021"], D(2026, 12, 1)) == "superseded"
    assert status(docs["sc-pfp-2025"], D(2025, 11, 27)) == "not_yet"


def test_every_document_says_where_it_was_published_and_when_checked() -> None:
    for doc in load_knowledge().documents.values():
        assert doc.reported, doc.id
        assert doc.last_checked is not None, doc.id
        if doc.supersedes:
            older = load_knowledge().documents[doc.supersedes]
            assert older.effective_to and doc.effective_from
            assert older.effective_to + dt.timedelta(days=1) == doc.effective_from, doc.id


def test_the_clock_can_be_fixed() -> None:
    with fixed_today(D(2024, 2, 29)):
        assert today() == D(2024, 2, 29)
        with fixed_today(D(2030, 1, 1)):
            assert today() == D(2030, 1, 1)
        assert today() == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("day", "must", "must_not"),
    [
        (
            D(2026, 12, 1),
            ["188 天", "按2025年11月28日起施行的", "2025年11月28日前出生的"],
            ["合计 158"],
        ),
        (D(2025, 6, 1), ["158 天"], ["188"]),
    ],
)
def test_a_versioned_entry_answers_with_the_version_in_force_today(
    day: dt.date, must: list[str], must_not: list[str]
) -> None:
    with fixed_today(day):
        reply = answer(text="女方生育假（产假）一共能休多少天？")
    assert reply.entry_ids == ["maternity-leave-total"]
    for part in must:
        assert part in reply.text
    for part in must_not:
        assert part not in reply.text


def test_newer_rule_is_cited_before_the_plan() -> None:
    with fixed_today(D(2026, 12, 1)):
        reply = answer(text="男方护理假（陪产假）有多少天？")
    docs = [s.doc for s in reply.sources]
    assert "30 天" in reply.text and "2016年修订" in reply.text  # names the plan's earlier figure
    assert docs[0].startswith("《四川省人口与计划生育条例（2025年11月26日修改）》")
    assert docs[-1].startswith("攀仁府办〔2020〕128号")


def test_kb_check_is_clean_today_and_flags_the_superseded_rule_in_between() -> None:
    entries = load_knowledge().entries
    assert problems(D(2026, 12, 1)) == []
    stale = stale_citations(entries, D(2025, 6, 1))
    flagged = {s.entry_id for s in stale}
    assert "maternity-leave-total" in flagged
    assert all(s.doc == "sc-pfp-2016" and s.replaced_by == "sc-pfp-2021" for s in stale)


def test_source_rows_mark_old_checks_for_review() -> None:
    rows = {r.id: r for r in source_rows(D(2027, 12, 1))}
    assert rows["sc-pfp-2025"].status == "in_force" and rows["sc-pfp-2025"].check_due
    rows = {r.id: r for r in source_rows(D(2026, 12, 2))}
    assert not rows["sc-pfp-2025"].check_due and rows["renhe-2020-128"].record
