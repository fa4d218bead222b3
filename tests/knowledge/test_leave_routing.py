"""The leave calculator answers only what it stands for; a more specific entry the ranking puts first wins."""

from __future__ import annotations

import pytest

from knowledge.answer import CALCULATED_TOPICS, answer


@pytest.mark.parametrize(
    ("text", "entries", "says"),
    [
        # both entries state the third child's extra 30 days on application
        ("要是怀的是第三胎，产假还能再加吗", {"third-child-leave", "leave-per-birth"}, "30 天"),
        ("单位只准我休三个月产假，剩下的不给，怎么办", {"leave-employer-dispute"}, ""),
    ],
)
def test_a_specific_leave_entry_is_not_replaced_by_a_calculation(
    text: str, entries: set[str], says: str
) -> None:
    result = answer(text=text)
    assert result.kind == "answer" and len(result.entry_ids) == 1, (text, result.entry_ids)
    assert result.entry_ids[0] in entries and says in result.text, (text, result.entry_ids)


def test_a_plain_leave_total_is_still_calculated() -> None:
    result = answer(text="老婆2026年2月10号生的，产假一共多少天")
    assert result.kind == "answer" and result.entry_ids[0] in CALCULATED_TOPICS
    assert "天" in result.text and "2026" in result.text


@pytest.mark.parametrize(
    ("text", "entry", "total"),
    [
        (
            "My wife just delivered twins, how many days off does she get?",
            "multiple-birth-leave",
            "203",
        ),
        (
            "we had twin girls in October, how long is her maternity leave",
            "multiple-birth-leave",
            "203",
        ),
    ],
)
def test_english_birth_facts_reach_the_calculation(text: str, entry: str, total: str) -> None:
    result = answer(text=text)
    assert result.kind == "answer" and result.entry_ids[0] == entry, (text, result.entry_ids)
    assert total in result.text


def test_a_case_the_parser_missed_is_answered_by_its_entry_not_a_single_birth_total() -> None:
    from knowledge.answer import _calculation_wanted
    from knowledge.decide import Decision
    from knowledge.leave import parse_leave_query
    from knowledge.loader import load_knowledge
    from knowledge.models import ScoredEntry

    kb = load_knowledge()
    query = parse_leave_query("产假一共多少天")
    assert query is not None and query.babies == 1
    for best, wanted in (("multiple-birth-leave", False), ("maternity-leave-total", True)):
        entry = kb.entry(best)
        assert entry is not None
        decision = Decision("answer", {}, [ScoredEntry(entry=entry, score=0.9)])
        assert _calculation_wanted(decision, query, dated=False, dated_followup=False) is wanted
