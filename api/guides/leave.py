"""Leave calculator service: read the form's answers from text, and compute with knowledge.leave."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import yaml

from api.guides.schemas import LeaveParsed, LeaveParseRequest, LeaveReply, LeaveRequest
from api.guides.sources import to_sources
from api.guides.stepaside import EMERGENCY_NOTE, emergency_not_answer, step_aside
from knowledge.answer import leave_topic
from knowledge.clock import today as clock_today
from knowledge.dates import Prefer, parse_date
from knowledge.leave import REVISION_NOTE, compute_leave, leave_rules, parse_leave_query
from knowledge.text import normalize

DATA_FILE = Path(__file__).resolve().parent / "data" / "leave_form.yml"
_BARE_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d)?)\s*(?:个|个月|月)?\s*$")
_SPANS = re.compile(r"[\d一二两三四五六七八九十]+\s*个\s*(?:多|半)?\s*(?:月|星期|礼拜|小时)")
_PREFER: dict[str | None, Prefer] = {
    "birth": "past",
    "miscarriage": "past",
    "due": "future",
    None: "nearest",
}


@lru_cache(maxsize=1)
def _words() -> dict:
    """The reviewed keyword lists."""
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def local_today() -> dt.date:
    """Today in 仁和区 (Asia/Shanghai), from the one clock tests can fix."""
    return clock_today()


def _first(text: str, table: dict) -> str | None:
    """The key whose longest keyword occurs in text (longest keyword wins)."""
    pairs = sorted(
        ((w, key) for key, words in table.items() for w in words),
        key=lambda p: len(p[0]),
        reverse=True,
    )
    return next((str(key) for word, key in pairs if word in text), None)


def _date_text(text: str) -> str:
    """Text with pregnancy lengths removed, so 3.5个月 or 12周 is never read as a date."""
    return re.sub(r"\d+(?:\.\d+)?\s*(?:个)?\s*(?:多|半)?\s*(?:月|周|星期|礼拜)(?!\s*\d)", " ", text)


def parse_answers(request: LeaveParseRequest) -> LeaveParsed:
    """Every leave-form fact the text states (event, date, delivery, babies, pregnancy months)."""
    text = normalize(request.text)
    words = _words()
    query = parse_leave_query(text, assume_leave=True, today=request.today or local_today())
    event = "miscarriage" if query and query.miscarriage else _first(text, words["events"])
    if text in ("birth", "due", "miscarriage"):
        event = text
    months = query.miscarriage_months if query and query.miscarriage else None
    if months is None and request.slot == "leave_months":
        bare = _BARE_NUMBER.match(text)
        if bare:
            months = float(bare.group(1))
        else:
            stated = parse_leave_query(f"流产 {text}", assume_leave=True)
            months = stated.miscarriage_months if stated else None
    dated = parse_date(
        _date_text(text),
        today=request.today or local_today(),
        prefer=_PREFER[request.event or event],
    )
    delivery = _first(text, words["delivery"])
    if text in ("normal", "difficult"):
        delivery = text
    babies_key = _first(_SPANS.sub(" ", text), words["babies"])
    babies = int(babies_key) if babies_key else None
    if babies is None and query and query.babies and query.babies > 1:
        babies = query.babies
    if babies is None and request.slot == "leave_babies":
        bare = _BARE_NUMBER.match(text)
        babies = int(float(bare.group(1))) if bare and 1 <= float(bare.group(1)) <= 9 else None
    recognised = any(
        v is not None for v in (event, dated.value, dated.error, delivery, babies, months)
    )
    assumed: list[str] = []
    if request.opening and event in ("birth", "due") and dated.value and not dated.error:
        # 「宝宝3月5号生的，产假多少天」 asks for an answer, not three more questions: the common case
        # now, and the result says how to get the other ones (calculate's REFINE line)
        if delivery is None:
            delivery, assumed = "normal", [*assumed, "delivery"]
        if babies is None:
            babies, assumed = 1, [*assumed, "babies"]
    if request.slot and not recognised and emergency_not_answer(request.text, request.emergency):
        return LeaveParsed(note=EMERGENCY_NOTE)
    return LeaveParsed.model_validate(
        {
            "event": event,
            "date": dated.value,
            "date_error": dated.error,
            "delivery": delivery,
            "babies": babies,
            "months": months,
            "step_aside": step_aside(
                intent=request.intent, text=request.text, recognised=recognised, form="leave"
            ),
            "assumed": assumed,
        }
    )


REFINE = "以上按顺产（剖腹产同此）、单胎计算；如果是难产或多胞胎，说「改一下 难产」或「改一下 双胞胎」，我重新算。"


def _cn_date(day: dt.date) -> str:
    """2026年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def calculate(request: LeaveRequest) -> LeaveReply:
    """Days, last days and the rules applied, as one reply with the cited clauses."""
    if request.event == "miscarriage":
        return _miscarriage(request)
    result = compute_leave(
        birth_date=request.date,
        difficult=request.delivery == "difficult",
        babies=request.babies,
        on=local_today(),
    )
    parts = "＋".join(f"{label} {days} 天" for label, days in result.breakdown)
    when = (
        "现行规定"
        if request.date is None
        else f"{'预产期' if request.event == 'due' else '出生日期'} {_cn_date(request.date)}"
    )
    lines = [
        f"按{result.applied}（{when}）：女方生育假共 {result.mother_days} 天（{parts}）；"
        f"男方护理假 {result.father_days} 天。"
    ]
    if result.third_child_days:
        lines.append(
            f"生育第三个子女的，女方本人申请并经用人单位同意，可再增加 {result.third_child_days} 天，"
            "不会自动加上。"
        )
    if request.date is None:
        earlier = leave_rules().version_on(
            leave_rules().current.effective_from - dt.timedelta(days=1)
        )
        if earlier is not None:
            lines.append(
                f"{_cn_date(leave_rules().current.effective_from)}前出生的，按原规定延长生育假 "
                f"{earlier.extension.days} 天、男方护理假 {earlier.father.days} 天。"
            )
    if request.date and result.last_day and result.father_last_day:
        if request.event == "due":
            lines.append(
                f"按预产期 {_cn_date(request.date)} 估算，如从这天起连续计算，女方最后一天约是 "
                f"{_cn_date(result.last_day)}，男方约是 {_cn_date(result.father_last_day)}；"
                "98 天产假中产前可以休假 15 天，实际以生产日期和单位安排为准。"
            )
        else:
            lines.append(
                f"如从生产当天 {_cn_date(request.date)} 起连续计算，女方最后一天是 "
                f"{_cn_date(result.last_day)}，男方最后一天是 {_cn_date(result.father_last_day)}。"
            )
    if request.delivery == "normal" and request.babies == 1:
        lines.append(REFINE)
    lines.append("生育假、护理假视为出勤，工资福利待遇不变。")
    if result.parental_days:
        lines.append(f"孩子 3 周岁前，父母每年还各有 {result.parental_days} 天育儿假。")
    lines.append(f"适用规则：{result.basis}")
    lines.append(REVISION_NOTE)
    return LeaveReply(
        text="\n".join(lines),
        sources=to_sources(result.citations),
        mother_days=result.mother_days,
        father_days=result.father_days,
        last_day=result.last_day,
        father_last_day=result.father_last_day,
        rules_applied=result.rules_applied,
        topic=leave_topic(
            difficult=request.delivery == "difficult",
            babies=request.babies,
            miscarriage=False,
            birth=request.date if request.event == "birth" else None,
        ),
    )


def _miscarriage(request: LeaveRequest) -> LeaveReply:
    """15 or 42 days by the month of pregnancy; no 60-day extension or father's leave is stated for it."""
    months = request.months if request.months is not None else 0.0
    result = compute_leave(birth_date=request.date, miscarriage_months=months)
    lines = [f"怀孕 {months:g} 个月流产，可以享受 {result.mother_days} 天产假。"]
    if request.date and result.last_day:
        lines.append(
            f"如从 {_cn_date(request.date)} 当天起连续计算，最后一天是 {_cn_date(result.last_day)}。"
        )
    lines.append("现有来源没有写流产适用四川延长的生育假或男方护理假。")
    lines.append(f"适用规则：{result.basis}")
    lines.append(REVISION_NOTE)
    return LeaveReply(
        text="\n".join(lines),
        sources=to_sources(result.citations),
        mother_days=result.mother_days,
        father_days=None,
        last_day=result.last_day,
        rules_applied=result.rules_applied,
        topic=leave_topic(difficult=False, babies=1, miscarriage=True, birth=None),
    )
