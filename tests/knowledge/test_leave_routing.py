"""The leave calculator answers only what it stands for; a more specific entry the ranking puts first wins."""

from __future__ import annotations

import pytest

from knowledge.answer import CALCULATED_TOPICS, answer


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("要是怀的是第三胎，产假还能再加吗", "third-child-leave"),
        ("单位只准我休三个月产假，剩下的不给，怎么办", "leave-employer-dispute"),
    ],
)
def test_a_specific_leave_entry_is_not_replaced_by_a_calculation(text: str, entry: str) -> None:
    result = answer(text=text)
    assert result.kind == "answer" and result.entry_ids == [entry], (text, result.entry_ids)


def test_a_plain_leave_total_is_still_calculated() -> None:
    result = answer(text="老婆2026年2月10号生的，产假一共多少天")
    assert result.kind == "answer" and result.entry_ids[0] in CALCULATED_TOPICS
    assert "天" in result.text and "2026" in result.text
