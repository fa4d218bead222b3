"""Facts pulled from complaints: institution, place, amount, when, child's age."""

from knowledge.triage import triage


def test_all_facts() -> None:
    facts = triage(
        text="我家宝宝2岁半，在仁和镇的金太阳托育中心，昨天下午被老师骂哭了，上个月交了3800元"
    ).facts
    assert facts.institution == "金太阳托育中心"
    assert facts.place == "仁和镇"
    assert facts.amount == "3800元"
    assert facts.when == "昨天下午"
    assert facts.child_age == "2岁半"


def test_missing_facts_are_absent() -> None:
    facts = triage(text="乱收费不退钱").facts
    assert facts.model_dump(exclude_none=True) == {}


def test_month_age_and_date_and_traditional() -> None:
    facts = triage(text="寶寶18個月，5月3號在小天使托育園摔傷了，醫藥費花了兩千塊").facts
    assert facts.child_age == "18个月"
    assert facts.when == "5月3号"
    assert facts.institution == "小天使托育园"
    assert facts.amount == "两千块"


def test_generic_words_are_not_institutions() -> None:
    facts = triage(text="我们小区楼下那家托育收费太贵").facts
    assert facts.institution is None
