"""Triage one complaint: category → lead and assisting departments, urgency, facts and PII."""

import re

from api.triage.classifier import CategoryScore, classify
from api.triage.facts import extract_facts
from api.triage.loader import duty_by_id, load_categories, load_departments
from api.triage.models import Category
from api.triage.pii import detect_pii
from api.triage.schemas import DepartmentOut, Facts, PiiOut, TriageResponse
from api.triage.urgency import assess
from knowledge.safety import detect
from knowledge.text import normalize

SOURCE = "攀仁府办〔2020〕128号"
CONFIDENT = 0.5  # P(emergency) above which the detector alone makes a complaint urgent


def _quote(words: tuple[str, ...], limit: int = 4) -> str:
    """「退费」「不退」 — the matched words, for a reason string."""
    return "".join(f"「{w}」" for w in words[:limit])


def _basis(category: Category, department: str) -> str:
    """The plan's clause that makes `department` responsible for `category`."""
    duties = duty_by_id()
    for duty_id in category.duties:
        owner, quote = duties[duty_id]
        if owner == department:
            return _cite(department, duty_id, quote)
    dep = load_departments()[department]
    duty = next((d for d in dep.duties if category.name in d.categories), dep.duties[0])
    return _cite(department, duty.id, duty.quote)


def _cite(department: str, duty_id: str, quote: str) -> str:
    """Format a verbatim clause with its section of the plan."""
    dep = load_departments()[department]
    section = next(d.section for d in dep.duties if d.id == duty_id)
    return f"{SOURCE} {section}：「{quote}」"


def _lead_reason(category: Category, top: CategoryScore) -> str:
    """Why the lead department leads, in Chinese."""
    if top.method == "keywords":
        how = f"投诉中出现{_quote(top.hits)}等词"
    elif top.method == "naive_bayes":
        how = f"未命中关键词，按字面相近（{_quote(top.hits, 3)}）推断"
    else:
        how = "未识别出具体问题类别，按综合监管转牵头部门"
    return f"{how}，归为「{category.name}」类问题，由{category.lead}主办"


def _departments(*, text: str, scores: list[CategoryScore]) -> tuple[Category, list[DepartmentOut]]:
    """Lead from the best category, assists from it, from its conditions and from strong runners-up."""
    data = load_categories()
    by_name = {c.name: c for c in data.categories}
    top = scores[0]
    category = by_name[top.name]
    out = [
        DepartmentOut(
            name=category.lead,
            role="lead",
            reason=_lead_reason(category, top),
            basis=_basis(category, category.lead),
        )
    ]
    for dep in category.assists:
        out.append(
            DepartmentOut(
                name=dep,
                role="assist",
                basis=_basis(category, dep),
                reason=f"「{category.name}」类问题由{dep}协同处理",
            )
        )
    for cond in category.conditional_assists:
        hits = [w for w in cond.when if re.search(w, text)]
        if hits and cond.department not in {d.name for d in out}:
            owner, quote = duty_by_id()[cond.duty]
            out.append(
                DepartmentOut(
                    name=cond.department,
                    role="assist",
                    basis=_cite(owner, cond.duty, quote),
                    reason=f"出现{_quote(tuple(hits))}，{cond.label}，需{cond.department}协同",
                )
            )
    for other in scores[1:]:
        if (
            other.score < data.combine.secondary_min
            or other.score < data.combine.secondary_ratio * top.score
        ):
            continue
        second = by_name[other.name]
        if second.name in category.not_with or second.lead in {d.name for d in out}:
            continue
        out.append(
            DepartmentOut(
                name=second.lead,
                role="assist",
                basis=_basis(second, second.lead),
                reason=f"同时反映「{second.name}」问题（{_quote(other.hits, 3)}），请{second.lead}协同",
            )
        )
    return category, out[: data.combine.max_departments]


def triage(*, text: str) -> TriageResponse:
    """Full triage of one complaint text (original text in, offsets of PII refer to it)."""
    norm = normalize(text)
    # Urgency is the shared emergency detector's call at the operating point chosen on complaints:
    # a complaint is urgent when the detector is more sure than not, or when it does not rule the
    # danger out (past, resolved, what-if) and triage's own signal file names an immediate risk.
    danger = detect(text, complaint=True)
    rules = assess(text=norm)
    urgent = (rules.urgency == "urgent" and danger.is_emergency) or danger.p_emergency >= CONFIDENT
    scores = classify(text=norm, boosts=rules.boosts)
    category, departments = _departments(text=norm, scores=scores)
    return TriageResponse(
        departments=departments,
        urgency="urgent" if urgent else "normal",
        urgency_signals=list(dict.fromkeys([*danger.signals, *rules.signals])) if urgent else [],
        category=category.name,
        facts=Facts(**extract_facts(text=norm)),
        pii=[PiiOut(type=p.type, span=(p.start, p.end)) for p in detect_pii(text)],
    )
