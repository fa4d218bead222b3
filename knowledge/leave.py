"""Leave arithmetic (生育假、护理假、流产假) from the cited rules, as one pure function plus its reply text."""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from knowledge.leave_parse import LeaveQuery, parse_leave_query
from knowledge.models import Citation

__all__ = [
    "LeaveQuery",
    "LeaveResult",
    "LeaveRules",
    "compute_leave",
    "format_leave_reply",
    "leave_rules",
    "parse_leave_query",
]

RULES_FILE = Path(__file__).resolve().parent / "data" / "leave_rules.yml"
REVISION_NOTE = (
    "国家和四川省的规定会不时修订，最新天数请向用人单位人事部门或区人力资源社会保障局核实。"
)


class Rule(BaseModel):
    """One leave rule: how many days, how to say it, and where it is written."""

    days: int
    law: str
    short: str
    rule: str
    doc: str
    section: str
    quote: str

    @property
    def citation(self) -> Citation:
        """The rule's clause as a citation."""
        return Citation(doc=self.doc, section=self.section, quote=self.quote)


class LeaveRules(BaseModel):
    """All leave rules from data/leave_rules.yml."""

    base: Rule
    difficult: Rule
    per_extra_baby: Rule
    extension: Rule
    father: Rule
    miscarriage_early: Rule
    miscarriage_late: Rule
    miscarriage_threshold_months: float


class LeaveResult(BaseModel):
    """Days of leave and the rules that produced them."""

    mother_days: int
    father_days: int | None
    rules_applied: list[str]
    basis: str
    citations: list[Citation]
    breakdown: list[tuple[str, int]]
    last_day: dt.date | None = None
    father_last_day: dt.date | None = None
    miscarriage: bool = False


@lru_cache(maxsize=1)
def leave_rules() -> LeaveRules:
    """Rules loaded once from the data file."""
    return LeaveRules.model_validate(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def _basis(rules: list[Rule]) -> str:
    """'依据《…》第七条（产假 98 天；难产增加 15 天）和…' grouping the applied rules by law."""
    by_law: dict[str, list[str]] = {}
    for rule in rules:
        by_law.setdefault(rule.law, []).append(rule.short)
    parts = [f"{law}（{'；'.join(shorts)}）" for law, shorts in by_law.items()]
    return "依据" + "和".join(parts) + "。"


def _last_day(start: dt.date | None, days: int | None) -> dt.date | None:
    """Last day of a leave that starts on `start` and lasts `days` consecutive days."""
    if start is None or not days:
        return None
    return start + dt.timedelta(days=days - 1)


def compute_leave(
    *,
    birth_date: dt.date | None = None,
    difficult: bool = False,
    babies: int = 1,
    miscarriage_months: float | None = None,
    rules: LeaveRules | None = None,
) -> LeaveResult:
    """Mother's and father's days for one birth (or a miscarriage when miscarriage_months is set)."""
    rules = rules or leave_rules()
    if babies < 1:
        raise ValueError("babies must be at least 1")
    if miscarriage_months is not None:
        late = miscarriage_months >= rules.miscarriage_threshold_months
        rule = rules.miscarriage_late if late else rules.miscarriage_early
        label = rule.short.rsplit(" ", 2)[0]
        return LeaveResult(
            mother_days=rule.days,
            father_days=None,
            rules_applied=[rule.rule],
            basis=_basis([rule]),
            citations=[rule.citation],
            breakdown=[(label, rule.days)],
            last_day=_last_day(birth_date, rule.days),
            miscarriage=True,
        )
    breakdown = [("产假", rules.base.days)]
    applied = [rules.base]
    if difficult:
        breakdown.append(("难产", rules.difficult.days))
        applied.append(rules.difficult)
    if babies > 1:
        extra = f"多胞胎多 {babies - 1} 个婴儿"
        breakdown.append((extra, rules.per_extra_baby.days * (babies - 1)))
        applied.append(rules.per_extra_baby)
    breakdown.append(("四川延长生育假", rules.extension.days))
    applied += [rules.extension, rules.father]
    mother = sum(days for _, days in breakdown)
    return LeaveResult(
        mother_days=mother,
        father_days=rules.father.days,
        rules_applied=[r.rule for r in applied],
        basis=_basis(applied),
        citations=list(dict.fromkeys(r.citation for r in applied)),
        breakdown=breakdown,
        last_day=_last_day(birth_date, mother),
        father_last_day=_last_day(birth_date, rules.father.days),
    )


def _sum_text(result: LeaveResult) -> str:
    """'产假 98 天＋难产 15 天＋…' for the mother's total."""
    return "＋".join(f"{label} {days} 天" for label, days in result.breakdown)


def _miscarriage_reply(query: LeaveQuery, rules: LeaveRules) -> tuple[str, list[Citation]]:
    """Reply for a miscarriage, with or without a known pregnancy length."""
    early, late = rules.miscarriage_early, rules.miscarriage_late
    if query.miscarriage_months is None:
        text = (
            f"流产假按怀孕时间算：怀孕未满 4 个月流产的，享受 {early.days} 天产假；"
            f"怀孕满 4 个月流产的，享受 {late.days} 天产假。依据{early.law}。"
        )
        return text, [early.citation, late.citation]
    result = compute_leave(miscarriage_months=query.miscarriage_months, rules=rules)
    months = query.miscarriage_months
    if query.pregnancy_weeks is not None:
        shown = math.floor(months * 10) / 10
        stated = f"怀孕 {query.pregnancy_weeks:g} 周（约 {shown:g} 个月）"
    else:
        stated = f"怀孕 {months:g} 个月"
    text = f"按{stated}计算，流产可以享受 {result.mother_days} 天产假。{result.basis}"
    if (
        query.pregnancy_weeks is not None
        and abs(months - rules.miscarriage_threshold_months) <= 0.5
    ):
        text += "孕周折算成月份时按每月 30 天估算，是否满 4 个月以单位或区人力资源社会保障局的认定为准。"
    return text, result.citations


def format_leave_reply(
    query: LeaveQuery, *, rules: LeaveRules | None = None
) -> tuple[str, list[Citation]]:
    """Plain-Chinese reply for a parsed leave question, and the clauses it relies on."""
    rules = rules or leave_rules()
    if query.miscarriage:
        text, cites = _miscarriage_reply(query, rules)
        text += "现有来源没有写流产适用四川延长的 60 天生育假或男方护理假。"
        return text + REVISION_NOTE, cites
    if query.babies is None:
        twins = compute_leave(babies=2, difficult=query.difficult, rules=rules)
        triplets = compute_leave(babies=3, difficult=query.difficult, rules=rules)
        text = (
            f"生育多胞胎的，每多生育 1 个婴儿增加产假 {rules.per_extra_baby.days} 天。"
            f"{'难产' if query.difficult else ''}双胞胎女方合计 {twins.mother_days} 天，"
            f"三胞胎合计 {triplets.mother_days} 天；男方护理假 {twins.father_days} 天。"
            f"{twins.basis}"
        )
        return text + REVISION_NOTE, twins.citations
    result = compute_leave(
        birth_date=query.birth_date, difficult=query.difficult, babies=query.babies, rules=rules
    )
    text = (
        f"按现行规定，女方合计 {result.mother_days} 天（{_sum_text(result)}），"
        f"男方护理假 {result.father_days} 天；生育假、护理假视为出勤，工资福利待遇不变。"
        f"{result.basis}"
    )
    if query.caesarean and not query.difficult:
        text += "剖腹产本身不等于难产：规定只写了难产增加产假 15 天，是否按难产认定请以单位人事部门或区人力资源社会保障局的答复为准。"
    if result.last_day and query.birth_date:
        text += (
            f"如从 {query.birth_date.isoformat()} 当天起连续计算，女方 {result.mother_days} 天的最后一天是 "
            f"{result.last_day.isoformat()}，男方 {result.father_days} 天的最后一天是 "
            f"{result.father_last_day.isoformat() if result.father_last_day else ''}。"
        )
    return text + REVISION_NOTE, result.citations
