"""The department and triage data files: canonical names, verbatim quotes, consistent references."""

import re
from pathlib import Path

import pytest
import yaml

from knowledge.triage.loader import (
    TriageDataError,
    _read,
    load_categories,
    load_departments,
    load_fact_rules,
    load_pii_rules,
    load_urgency,
)
from knowledge.triage.models import UrgencyFile
from tests.canonical import CANONICAL_DEPARTMENTS

PLAN = (
    Path(__file__).resolve().parents[3]
    / "knowledge"
    / "data"
    / "sources"
    / "renhe-2020-128-infant-care-plan.txt"
)
CANONICAL = list(CANONICAL_DEPARTMENTS)


def _squash(text: str) -> str:
    """Drop all whitespace: the PDF extraction breaks lines mid-sentence."""
    return re.sub(r"\s+", "", text)


def test_departments_are_exactly_the_canonical_sixteen() -> None:
    assert list(load_departments()) == CANONICAL


@pytest.mark.skipif(not PLAN.exists(), reason="policy source not mounted")
def test_every_duty_quote_is_verbatim_from_the_plan() -> None:
    plan = _squash(PLAN.read_text(encoding="utf-8"))
    missing = [
        d.quote
        for dep in load_departments().values()
        for d in dep.duties
        if _squash(d.quote) not in plan
    ]
    assert missing == []


def test_duty_ids_unique_and_categories_known() -> None:
    duties = [d for dep in load_departments().values() for d in dep.duties]
    assert len({d.id for d in duties}) == len(duties)
    names = {c.name for c in load_categories().categories}
    unknown = {c for d in duties for c in d.categories} - names
    assert unknown == set()


def test_each_category_cites_a_duty_of_its_lead() -> None:
    owner = {d.id: dep.name for dep in load_departments().values() for d in dep.duties}
    for cat in load_categories().categories:
        assert cat.lead in {owner[d] for d in cat.duties}, cat.name


def test_issue_categories_all_present() -> None:
    names = {c.name for c in load_categories().categories}
    wanted = {
        "收费/退费",
        "食品安全",
        "卫生/传染病/饮用水",
        "消防",
        "房屋安全/施工",
        "治安/虐童/安全防范",
        "无证/黑托育",
        "从业人员资质/培训",
        "劳动用工/社保",
        "广告/招牌/传单",
        "周边环境",
        "税收",
        "非营利登记",
        "单位福利托育",
        "女职工权益",
        "早期教育/托班",
        "规划",
        "项目立项/资金",
        "虚假宣传",
    }
    assert wanted <= names


def test_every_department_leads_or_assists_somewhere() -> None:
    cats = load_categories().categories
    used = {c.lead for c in cats} | {a for c in cats for a in c.assists}
    used |= {a.department for c in cats for a in c.conditional_assists}
    assert set(CANONICAL) == used


def test_other_files_load() -> None:
    assert load_urgency().signals
    assert load_pii_rules().surnames
    assert load_fact_rules().institution_suffixes


def test_bad_file_names_itself(tmp_path: Path) -> None:
    bad = tmp_path / "urgency.yml"
    bad.write_text(
        yaml.safe_dump({"hedges": ["万一"], "signals": [{"label": "x"}]}), encoding="utf-8"
    )
    with pytest.raises(TriageDataError, match=r"urgency\.yml"):
        _read(bad, UrgencyFile)
