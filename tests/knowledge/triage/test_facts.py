"""Facts pulled from complaints: institution, place, amount, when, child's age — measured on a labelled set."""

from pathlib import Path

import yaml

from knowledge.text import normalize
from knowledge.triage.facts import FACT_KEYS, extract_facts
from knowledge.triage.loader import TRIAGE

LABELLED_FACTS = TRIAGE / "facts_labelled.yml"


def _facts(text: str) -> dict[str, str]:
    return extract_facts(text=normalize(text))


def test_all_facts() -> None:
    facts = _facts(
        "我家宝宝2岁半，在仁和镇的金太阳托育中心，昨天下午被老师骂哭了，上个月交了3800元"
    )
    assert facts == {
        "institution": "金太阳托育中心",
        "place": "仁和镇",
        "amount": "3800元",
        "when": "昨天下午",
        "child_age": "2岁半",
    }


def test_missing_facts_are_absent() -> None:
    assert _facts("乱收费不退钱") == {}


def test_month_age_and_date_and_traditional() -> None:
    facts = _facts("寶寶18個月，5月3號在小天使托育園摔傷了，醫藥費花了兩千塊")
    assert facts["child_age"] == "18个月"
    assert facts["when"] == "5月3号"
    assert facts["institution"] == "小天使托育园"
    assert facts["amount"] == "两千块"


def test_a_monthly_fee_is_an_amount_not_an_age() -> None:
    facts = _facts("当初讲好一个月1800，现在又说要加钱")
    assert facts.get("amount") == "一个月1800"
    assert "child_age" not in facts


def test_a_routine_is_not_the_date_of_the_event() -> None:
    assert "when" not in _facts("每天中午都不给孩子盖被子")
    assert "when" not in _facts("天天下午把娃娃丢在走廊上")
    assert _facts("今天中午把娃娃丢在走廊上")["when"] == "今天中午"


def test_generic_words_are_not_institutions() -> None:
    assert "institution" not in _facts("我们小区楼下那家托育收费太贵")


def test_labelled_facts_accuracy(labelled: Path = LABELLED_FACTS) -> None:
    items = yaml.safe_load(labelled.read_text(encoding="utf-8"))["items"]
    right = total = 0
    misses = []
    for item in items:
        got = _facts(item["text"])
        for key in FACT_KEYS:
            total += 1
            want = item["facts"].get(key)
            right += got.get(key) == want
            if got.get(key) != want:
                misses.append((key, want, got.get(key)))
    print(f"\nfacts: {right}/{total} fields right; misses {misses}")
    assert len(items) >= 25
    assert right / total >= 0.95, misses
