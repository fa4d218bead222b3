"""Triage one complaint: the learned model's lead and assisting departments, urgency, facts and PII."""

from __future__ import annotations

import re

from knowledge.safety import detect
from knowledge.text import normalize
from knowledge.triage.classifier import score_categories
from knowledge.triage.facts import extract_facts
from knowledge.triage.loader import load_categories, load_departments
from knowledge.triage.model import Model, Reading, model
from knowledge.triage.models import Category, DepartmentOut, Duty, Facts, PiiOut, TriageResult
from knowledge.triage.pii import detect_pii
from knowledge.triage.urgency import assess

SOURCE = "攀仁府办〔2020〕128号"
# P(emergency) above which the detector alone makes a complaint urgent: "more likely than not",
# the probability's own midpoint, not a tuned value (the detector's thresholds are its own, learned)
CONFIDENT = 0.5
MAX_WORDS = 4


def _quote(words: list[str], limit: int = MAX_WORDS) -> str:
    """「退费」「不退」 — the words, for a reason string."""
    return "".join(f"「{w}」" for w in words[:limit])


def _dedupe(words: list[str]) -> list[str]:
    """The words in order, without one that contains or is contained in an earlier one."""
    out: list[str] = []
    for word in words:
        if word and not any(word in kept or kept in word for kept in out):
            out.append(word)
    return out[:MAX_WORDS]


def _evidence(norm: str, category: str, learned: list[str]) -> list[str]:
    """The category's keyword signals found in the text first, then the model's strongest n-grams."""
    hits = next((list(s.hits) for s in score_categories(text=norm) if s.name == category), [])
    return _dedupe([*hits, *learned])


def _readable(norm: str) -> bool:
    """Whether the text has any word at all (a Chinese character or a Latin letter) to triage on."""
    return bool(re.search(r"[\u4e00-\u9fffa-z]", norm))


def _fallback() -> tuple[str, list[DepartmentOut]]:
    """Nothing to read (「？？？」, emoji only): the fallback category and its lead, the coordinator."""
    categories = load_categories()
    category = next(c for c in categories.categories if c.name == categories.fallback)
    duty = _duty(category.lead, category, {})
    reason = (
        f"投诉中未识别出具体问题，归为「{category.name}」类，按综合监管转牵头部门{category.lead}，"
        f"由其会同相关部门核实处理"
    )
    lead = DepartmentOut(
        name=category.lead, role="lead", reason=reason, basis=_cite(category.lead, duty)
    )
    return category.name, [lead]


def _cite(department: str, duty: Duty) -> str:
    """A verbatim clause with its section of the plan."""
    return f"{SOURCE} {duty.section}：「{duty.quote}」"


def _duty(department: str, category: Category | None, sims: dict[str, float]) -> Duty:
    """The clause that gives `department` this duty: of the category's duties it owns, the one nearest
    the complaint; else its duty listing the category; else its duty nearest the complaint."""
    dep = load_departments()[department]
    pool: list[Duty] = []
    if category is not None:
        own = {d.id: d for d in dep.duties}
        pool = [own[i] for i in category.duties if i in own]
        cond = [c.duty for c in category.conditional_assists if c.department == department]
        pool = pool or [own[i] for i in cond if i in own]
        pool = pool or [d for d in dep.duties if category.name in d.categories]
    pool = pool or list(dep.duties)
    return max(pool, key=lambda d: sims.get(d.id, 0.0))


def _departments(norm: str, reading: Reading, used: Model) -> list[DepartmentOut]:
    """Lead first, then assists; each with the words/meaning that led there and the clause."""
    by_name = {c.name: c for c in load_categories().categories}
    category = by_name[reading.category]
    lead_duty = _duty(reading.lead, category, reading.duty_sims)
    words = _evidence(norm, reading.category, reading.words)
    said = f"投诉中{_quote(words)}等字词" if words else "投诉的整体意思"
    lead_reason = (
        f"{said}与该部门职责「{lead_duty.quote}」语义相近（相似度{reading.duty_sims[lead_duty.id]:.2f}），"
        f"归为「{category.name}」类问题，由{reading.lead}主办（模型置信度{reading.lead_p:.2f}）"
    )
    out = [
        DepartmentOut(
            name=reading.lead, role="lead", reason=lead_reason, basis=_cite(reading.lead, lead_duty)
        )
    ]
    conditional = {c.department: c for c in category.conditional_assists}
    for dep, p in reading.assists:
        other = by_name.get(reading.assist_categories.get(dep, ""))
        rule_names = {*category.assists, *conditional}
        duty = _duty(dep, category if dep in rule_names else other, reading.duty_sims)
        hint = _evidence(norm, other.name, reading.assist_words.get(dep, [])) if other else []
        rule = conditional.get(dep)
        # a department the lead category calls in on some words: those words, in the order written
        called = sorted((w for w in rule.when if w in norm), key=norm.index) if rule else []
        hint = _dedupe([*called, *hint])
        shown = f"文中{_quote(hint, 3)}" if hint else "文中所述情况"
        if called and rule is not None:
            shown += f"（{rule.label}）"
        out.append(
            DepartmentOut(
                name=dep,
                role="assist",
                reason=(
                    f"{shown}同时涉及{dep}职责「{duty.quote}」，需{dep}协办"
                    f"（协办概率{p:.2f} ≥ 交叉验证阈值{used.assist_threshold:.2f}）"
                ),
                basis=_cite(dep, duty),
            )
        )
    return out


def triage(*, text: str, department_model: Model | None = None) -> TriageResult:
    """Full triage of one complaint text (original text in, offsets of PII refer to it).

    `department_model` defaults to the shipped model; the held-out figures pass the train-only one.
    """
    norm = normalize(text)
    # Urgency is the shared emergency detector's call at the operating point chosen on complaints:
    # a complaint is urgent when the detector is more sure than not, or when it does not rule the
    # danger out (past, resolved, what-if) and triage's own signal file names an immediate risk.
    danger = detect(text, complaint=True)
    rules = assess(text=norm)
    urgent = (rules.urgency == "urgent" and danger.is_emergency) or danger.p_emergency >= CONFIDENT
    category, departments = departments_for(text=text, department_model=department_model)
    return TriageResult(
        departments=departments,
        urgency="urgent" if urgent else "normal",
        urgency_signals=list(dict.fromkeys([*danger.signals, *rules.signals])) if urgent else [],
        category=category,
        facts=Facts(**extract_facts(text=norm)),
        pii=[PiiOut(type=p.type, span=(p.start, p.end)) for p in detect_pii(text)],
    )


def departments_for(
    *, text: str, department_model: Model | None = None
) -> tuple[str, list[DepartmentOut]]:
    """Triage's category and departments (lead first) without urgency, facts or personal data: all a
    who-handles-this question needs, at one embedding instead of two."""
    norm = normalize(text)
    if not _readable(norm):
        return _fallback()
    used = department_model or model()
    reading = used.read(text)
    return reading.category, _departments(norm, reading, used)


def category_for(*, text: str, lead: str) -> str | None:
    """The category a case takes when staff make `lead` its lead: the model's most probable category
    that department leads (None when it leads none, e.g. a department that only assists)."""
    leads = {c.name: c.lead for c in load_categories().categories}
    probs = model().read(text).category_p
    own = [c for c, owner in leads.items() if owner == lead]
    return max(own, key=lambda c: probs.get(c, 0.0)) if own else None


def category_names() -> tuple[str, ...]:
    """Every complaint category, in the data file's order."""
    return tuple(c.name for c in load_categories().categories)
