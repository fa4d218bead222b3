"""The data files load, every quote is verbatim from its source, and broken data fails loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge.leave import leave_rules
from knowledge.loader import (
    DATA_DIR,
    KnowledgeDataError,
    load_documents,
    load_entries,
    load_knowledge,
)
from knowledge.models import INTENTS, Citation, Entry
from knowledge.text import compact
from tests.canonical import CANONICAL_DEPARTMENTS

# The shared policy folder lies beside the repo (../shared/policy) on developer machines and in CI.
SHARED_POLICY = Path(__file__).resolve().parents[3] / "shared" / "policy"
PLAN = DATA_DIR / "sources" / "renhe-2020-128-infant-care-plan.txt"


def test_packaged_knowledge_loads_with_enough_entries() -> None:
    kb = load_knowledge()
    assert 60 <= len(kb.entries) <= 160
    assert {"renhe-2020-128", "nwp-619", "sc-pfp-2016", "sc-pfp-2021", "sc-pfp-2025"} <= set(
        kb.documents
    )
    assert load_knowledge() is kb


def test_documents_carry_number_and_date() -> None:
    docs = load_documents()
    plan = docs["renhe-2020-128"]
    assert plan.number == "攀仁府办〔2020〕128号" and plan.issued.isoformat() == "2020-12-11"
    assert plan.display.startswith("攀仁府办〔2020〕128号《")
    assert (
        docs["nwp-619"].number == "国务院令第619号"
        and docs["nwp-619"].issued.isoformat() == "2012-04-28"
    )


@pytest.mark.skipif(not SHARED_POLICY.is_dir(), reason="shared policy folder not mounted")
@pytest.mark.parametrize(
    "name", ["renhe-2020-128-infant-care-plan.txt", "national-facts.md", "current-rules-2026.md"]
)
def test_packaged_sources_are_verbatim_copies(name: str) -> None:
    assert (DATA_DIR / "sources" / name).read_bytes() == (SHARED_POLICY / name).read_bytes()


def test_every_quote_is_in_its_source() -> None:
    texts = {
        d: compact((DATA_DIR / "sources" / doc.source).read_text(encoding="utf-8"))
        for d, doc in load_documents().items()
    }
    for entry in load_entries():
        for cite in entry.all_citations():
            # "……" marks an omission: each segment must appear, in order.
            rest = texts[cite.doc]
            for segment in compact(cite.quote).split("……"):
                assert segment and segment in rest, (entry.id, cite.quote)
                rest = rest[rest.index(segment) + len(segment) :]


def test_leave_rule_quotes_are_in_their_sources() -> None:
    texts = {
        d: compact((DATA_DIR / "sources" / doc.source).read_text(encoding="utf-8"))
        for d, doc in load_documents().items()
    }
    rules = leave_rules()
    named = [
        getattr(rules, n)
        for n in ("base", "difficult", "per_extra_baby", "miscarriage_early", "miscarriage_late")
    ]
    for version in rules.provincial:
        named += [version.extension, version.father]
        named += [r for r in (version.parental, version.third_child) if r is not None]
    for rule in named:
        assert compact(rule.quote) in texts[rule.doc], rule.rule


def test_entries_cover_every_department_and_intent() -> None:
    entries = load_entries()
    duties = [e for e in entries if e.group == "department_duties"]
    answers = " ".join(e.answer for e in duties)
    for dept in CANONICAL_DEPARTMENTS:
        assert dept in answers, dept
    used = {i for e in entries for i in e.intents}
    assert used == INTENTS


def test_answers_are_tidy_and_leave_entries_advise_checking() -> None:
    for entry in load_entries():
        assert "\n" not in entry.answer and "。 " not in entry.answer, entry.id
        if entry.group == "leave" and entry.id != "flexible-work":
            assert "区人力资源社会保障局" in entry.answer, entry.id


def _break(data: Path, file: str, entry_id: str, **changes: object) -> None:
    """Rewrite one entry of a copied entries file."""
    path = data / "entries" / file
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in items:
        if item["id"] == entry_id:
            item.update(changes)
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"doc": "renhe-2099-1"}, "unknown doc id"),
        ({"quote": "   "}, "empty quote"),
        ({"quote": "托育机构可以免费领取补贴一万元"}, "quote not found"),
        ({"quote": "给予男方护理假20天……延长女方生育假60天"}, "quote not found"),
        ({"intents": ["ask_weather"]}, "unknown intents"),
    ],
)
def test_broken_entry_names_file_and_id(data_copy: Path, changes: dict, message: str) -> None:
    _break(data_copy, "leave.yml", "paternity-leave", **changes)
    with pytest.raises(KnowledgeDataError) as err:
        load_entries(data_copy)
    assert "leave.yml" in str(err.value) and "paternity-leave" in str(err.value)
    assert message in str(err.value)


def test_duplicate_id_across_files_is_rejected(data_copy: Path) -> None:
    _break(data_copy, "overview.yml", "policy-overview", id="paternity-leave")
    with pytest.raises(KnowledgeDataError, match="duplicate id") as err:
        load_entries(data_copy)
    assert "paternity-leave" in str(err.value)


def test_broken_extra_source_is_rejected(data_copy: Path) -> None:
    _break(
        data_copy,
        "leave.yml",
        "maternity-leave-total",
        extra_sources=[{"doc": "nwp-619", "section": "第七条", "quote": "女职工生育享受128天产假"}],
    )
    with pytest.raises(KnowledgeDataError, match="maternity-leave-total"):
        load_entries(data_copy)


def test_invalid_yaml_names_the_file(data_copy: Path) -> None:
    (data_copy / "entries" / "zz_bad.yml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match=r"zz_bad\.yml"):
        load_entries(data_copy)


# Referrals ("ask X") that are advice, not a claim about X's duties, so they need no clause.
REFERRALS = {
    ("lead-department", "区卫生健康局"),  # the clause says 卫生健康牵头
    ("employment-support", "区人力资源社会保障局"),
    ("employment-support", "乡镇（街道）"),
}
DEPARTMENTS = CANONICAL_DEPARTMENTS


def _answers(entry: Entry) -> list[tuple[str, tuple[Citation, ...]]]:
    """The entry's own answer and each version's answer, with the clauses each one rests on."""
    return [(entry.answer, entry.citations)] + [
        (v.answer + v.earlier, v.citations + entry.citations) for v in entry.versions
    ]


_CHECK_WITH = re.compile(r"[^。；]*(?:核实|咨询|确认|为准|以.*最新)[^。；]*")


def test_answers_name_only_departments_their_clauses_name() -> None:
    for entry in load_entries():
        for answer, cites in _answers(entry):
            quotes = compact(" ".join(c.quote for c in cites))
            # a referral "请向…核实/咨询" is advice (current-rules-2026.md: say where to check), not a duty
            claims = _CHECK_WITH.sub("", answer)
            for dept in DEPARTMENTS:
                if dept not in claims or (entry.id, dept) in REFERRALS:
                    continue
                assert dept in quotes, (entry.id, dept)


def _metadata_numbers(cites: tuple[Citation, ...]) -> str:
    """Numbers a reply may take from the cited documents' registry (文号, issue and effective dates)."""
    docs = load_documents()
    parts = []
    for cite in cites:
        doc = docs[cite.doc]
        parts.append(doc.number + doc.full_title + doc.title)
        for day in (doc.issued, doc.effective_from, doc.effective_to):
            if day:
                parts.append(f"{day.year}年{day.month}月{day.day}日")
    return "".join(parts)


def test_answer_numbers_come_from_the_clauses() -> None:
    for entry in load_entries():
        if entry.group == "leave":
            continue  # leave totals are sums of cited numbers, checked in test_leave.py
        for answer, cites in _answers(entry):
            allowed = compact(" ".join(c.quote for c in cites)) + _metadata_numbers(cites)
            for number in re.findall(r"\d+", answer):
                assert number in allowed, (entry.id, number)
