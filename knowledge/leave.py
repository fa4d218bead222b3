"""Leave arithmetic (生育假、护理假、育儿假、流产假) by the birth date, over versioned rules, plus its reply text."""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from knowledge.clock import today as clock_today
from knowledge.leave_parse import LeaveQuery, parse_leave_query
from knowledge.models import Citation

__all__ = [
    "LeaveQuery",
    "LeaveResult",
    "LeaveRules",
    "ProvincialRules",
    "compute_leave",
    "format_leave_reply",
    "leave_rules",
    "parse_leave_query",
    "rule_entry",
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


class ProvincialRules(BaseModel):
    """One version of the Sichuan rules, for births from effective_from to effective_to (inclusive)."""

    doc: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    applied: str
    extension: Rule
    father: Rule
    parental: Rule | None = None
    third_child: Rule | None = None
    # the knowledge-base entry that states this version's days, when not the calculated topic's own
    entry: str | None = None

    def covers(self, day: dt.date) -> bool:
        """True when a birth on `day` falls under this version."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class LeaveRules(BaseModel):
    """All leave rules from data/leave_rules.yml."""

    base: Rule
    difficult: Rule
    per_extra_baby: Rule
    miscarriage_early: Rule
    miscarriage_late: Rule
    miscarriage_threshold_months: float
    provincial: list[ProvincialRules]

    def version_on(self, day: dt.date) -> ProvincialRules | None:
        """The Sichuan version for a birth on `day` (None before the earliest one the sources list)."""
        return next((v for v in self.provincial if v.covers(day)), None)

    @property
    def current(self) -> ProvincialRules:
        """The open-ended (latest) version."""
        return max(self.provincial, key=lambda v: v.effective_from)


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
    version: str | None = None
    applied: str = ""
    rule_date: dt.date | None = None
    parental_days: int | None = None
    third_child_days: int | None = None


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
    on: dt.date | None = None,
) -> LeaveResult:
    """Days for one birth under the rules in force on the birth date (no date: on `on`, default today).

    The third-child 30 days are returned apart (third_child_days), never added to mother_days: they need
    the mother's application and the employer's consent.
    """
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
    day = birth_date or on or clock_today()
    version = rules.version_on(day)
    breakdown = [("产假", rules.base.days)]
    applied = [rules.base]
    if difficult:
        breakdown.append(("难产", rules.difficult.days))
        applied.append(rules.difficult)
    if babies > 1:
        extra = f"多胞胎多 {babies - 1} 个婴儿"
        breakdown.append((extra, rules.per_extra_baby.days * (babies - 1)))
        applied.append(rules.per_extra_baby)
    provincial: list[Rule] = []
    if version is not None:
        breakdown.append(("四川延长生育假", version.extension.days))
        provincial = [version.extension, version.father]
        if version.parental:
            provincial.append(version.parental)
    applied += provincial
    mother = sum(days for _, days in breakdown)
    father = version.father.days if version else None
    cites = list(dict.fromkeys(r.citation for r in [*provincial, *applied]))
    return LeaveResult(
        mother_days=mother,
        father_days=father,
        rules_applied=[r.rule for r in applied],
        basis=_basis(applied),
        citations=cites,
        breakdown=breakdown,
        last_day=_last_day(birth_date, mother),
        father_last_day=_last_day(birth_date, father),
        version=version.doc if version else None,
        applied=version.applied if version else "",
        rule_date=day,
        parental_days=version.parental.days if version and version.parental else None,
        third_child_days=version.third_child.days if version and version.third_child else None,
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


def _cn(day: dt.date) -> str:
    """2025年11月28日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _shown(query: LeaveQuery, day: dt.date) -> str:
    """The birth date or span as the reply repeats it: a day, a span, or a limit (「…及以前」)."""
    start, end = query.birth_from, query.birth_to
    if query.bound == "before":
        return f"{_cn(day)}及以前"
    if query.bound == "after" and start:
        return f"{_cn(start)}及以后"
    return f"{_cn(start)}—{_cn(end)}" if start and end and start != end else _cn(day)


def _core(result: LeaveResult) -> str:
    """'女方合计 188 天（…），男方护理假 30 天' for one result."""
    father = f"，男方护理假 {result.father_days} 天" if result.father_days else ""
    return f"女方合计 {result.mother_days} 天（{_sum_text(result)}）{father}"


def _extras(result: LeaveResult, query: LeaveQuery, rules: LeaveRules) -> str:
    """Pay, 育儿假 and third-child lines of the version applied."""
    version = rules.version_on(result.rule_date) if result.rule_date else None
    text = "生育假、护理假视为出勤，工资福利待遇不变。"
    if version and version.parental:
        unit = "个工作日" if "工作日" in version.parental.short else "天"
        text += f"孩子 3 周岁前，父母每年还各有 {version.parental.days} {unit}育儿假。"
    if version and version.third_child and query.third_child:
        third = version.third_child.days
        text += (
            f"生育第三个子女的，女方本人申请并经用人单位同意，可以再增加 {third} 天"
            f"（即最多 {result.mother_days + third} 天），这 {third} 天不会自动加上，需向单位申请。"
        )
    return text


def _switch_note(day: dt.date, rules: LeaveRules) -> str:
    """Hedge for a mother whose leave was running when a newer version came into force."""
    for version in rules.provincial:
        older = rules.version_on(version.effective_from - dt.timedelta(days=1))
        if older is None or day >= version.effective_from:
            continue
        days = rules.base.days + older.extension.days
        if day + dt.timedelta(days=days) > version.effective_from:
            return (
                f"{_cn(version.effective_from)}新规施行时还在休假的，能否按新规延长，目前没有查到明确规定"
                "（据报道，新天数适用于当天及以后出生的），请向用人单位人事部门或区卫生健康局确认。"
            )
    return ""


def _earlier_note(rules: LeaveRules, on: dt.date, query: LeaveQuery) -> str:
    """One line on the version before the one in force on `on` (for answers without a date)."""
    version = rules.version_on(on)
    older = rules.version_on(version.effective_from - dt.timedelta(days=1)) if version else None
    if version is None or older is None:
        return ""
    mother = compute_leave(
        birth_date=older.effective_from,
        difficult=query.difficult,
        babies=query.babies or 1,
        rules=rules,
    ).mother_days
    changed = (
        older.extension.days != version.extension.days or older.father.days != version.father.days
    )
    if not changed:
        return ""
    return (
        f"{_cn(version.effective_from)}前出生的，按原规定延长生育假 {older.extension.days} 天"
        f"（女方合计 {mother} 天）、男方护理假 {older.father.days} 天。"
    )


def _plan_citation(rules: LeaveRules) -> Citation:
    """The plan's own leave clause (the district's document of record), cited after the newer rule."""
    return rules.provincial[0].extension.citation


def format_leave_reply(
    query: LeaveQuery, *, rules: LeaveRules | None = None, today: dt.date | None = None
) -> tuple[str, list[Citation]]:
    """Plain-Chinese reply for a parsed leave question, and the clauses it relies on (newest rule first)."""
    rules = rules or leave_rules()
    today = today or clock_today()
    if query.miscarriage:
        text, cites = _miscarriage_reply(query, rules)
        text += "现有来源没有写流产适用四川延长的生育假或男方护理假。"
        return text + REVISION_NOTE, cites
    babies = query.babies
    if babies is None:
        twins = compute_leave(babies=2, difficult=query.difficult, rules=rules, on=today)
        triplets = compute_leave(babies=3, difficult=query.difficult, rules=rules, on=today)
        text = (
            f"按{twins.applied}（现行规定）：生育多胞胎的，每多生育 1 个婴儿增加产假 "
            f"{rules.per_extra_baby.days} 天。{'难产' if query.difficult else ''}双胞胎女方合计 "
            f"{twins.mother_days} 天，三胞胎合计 {triplets.mother_days} 天；男方护理假 {twins.father_days} 天。"
            f"{_earlier_note(rules, today, query)}{twins.basis}"
        )
        return text + REVISION_NOTE, [*twins.citations, _plan_citation(rules)]
    newer = _straddled(query, rules)
    if newer is not None:
        return _split_reply(query, rules, newer)
    day = query.birth_date or query.birth_from
    result = compute_leave(
        birth_date=query.birth_date,
        difficult=query.difficult,
        babies=babies,
        rules=rules,
        on=day or today,
    )
    if result.version is None:
        text = f"现有来源只列出 2016 年起出生适用的四川规定。按国家规定，{_core(result)}。{result.basis}"
        return text + REVISION_NOTE, result.citations
    when = "预产期" if query.due else "出生日期"
    if day is not None:
        shown = _shown(query, day)
        head = f"按{result.applied}计算（{when} {shown}）：{_core(result)}。"
        note = _switch_note(day, rules)
    else:
        head = f"按{result.applied}（现行规定）：{_core(result)}。"
        note = _earlier_note(rules, today, query)
    text = head + _extras(result, query, rules) + note + result.basis
    if query.caesarean and not query.difficult:
        text += "剖腹产本身不等于难产：规定只写了难产增加产假 15 天，是否按难产认定请以单位人事部门或区人力资源社会保障局的答复为准。"
    if result.last_day and query.birth_date and result.father_last_day:
        text += (
            f"如从 {query.birth_date.isoformat()} 当天起连续计算，女方 {result.mother_days} 天的最后一天是 "
            f"{result.last_day.isoformat()}，男方 {result.father_days} 天的最后一天是 "
            f"{result.father_last_day.isoformat()}。"
        )
    cites = list(result.citations)
    if result.version != rules.provincial[0].doc:
        cites.append(_plan_citation(rules))
    return text + REVISION_NOTE, cites


def rule_entry(query: LeaveQuery, *, rules: LeaveRules | None = None) -> str | None:
    """The entry stating the rule a dated calculation applied, when that rule has its own entry (an earlier
    version): 「2023年生的产假」 is answered by the pre-2025 rule, not by the current total."""
    rules = rules or leave_rules()
    day = query.birth_date or query.birth_from
    # no date, a miscarriage (national days only) or 多胞胎 without a number (answered under today's rule)
    if day is None or query.miscarriage or query.babies is None or _straddled(query, rules):
        return None
    version = rules.version_on(day)
    return version.entry if version else None


def _straddled(query: LeaveQuery, rules: LeaveRules) -> ProvincialRules | None:
    """The newer version when the stated birth span straddles a change of rule (both results are given)."""
    start, end = query.birth_from, query.birth_to
    if not (start and end and start != end):
        return None
    first, last = rules.version_on(start), rules.version_on(end)
    return last if first is not None and last is not None and first.doc != last.doc else None


def _split_reply(
    query: LeaveQuery, rules: LeaveRules, newer: ProvincialRules
) -> tuple[str, list[Citation]]:
    """The stated span straddles a change of rule: give both results and ask for the exact date."""
    babies = query.babies or 1
    after = compute_leave(
        birth_date=newer.effective_from, difficult=query.difficult, babies=babies, rules=rules
    )
    before_day = newer.effective_from - dt.timedelta(days=1)
    before = compute_leave(
        birth_date=before_day, difficult=query.difficult, babies=babies, rules=rules
    )
    text = (
        f"规定在 {_cn(newer.effective_from)} 改了，要看具体出生日期：{_cn(newer.effective_from)}及以后出生的，"
        f"按{after.applied}，{_core(after)}；{_cn(before_day)}及以前出生的，按{before.applied}，"
        f"{_core(before)}。请告诉我具体出生日期，我按那天的规定算。"
        + _switch_note(before_day, rules)
    )
    cites = list(dict.fromkeys([*after.citations, *before.citations]))
    return text + REVISION_NOTE, cites
