"""Recognise leave-arithmetic questions (难产, 多胞胎, 流产孕周, 总天数, 生产日期) in free Chinese text."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel

from knowledge.clock import today as clock_today
from knowledge.dates import parse_date
from knowledge.text import normalize

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+)"

_MISCARRIAGE = re.compile(
    r"流产|小产|胎停|没保住|引产|自然流|人流|(?:孩子|宝宝|胎儿|娃)(?:没了|掉了)|miscarr|pregnancy loss"
)
_DIFFICULT = re.compile(r"难产|difficult (?:birth|labou?r|delivery)|dystocia")
_CAESAREAN = re.compile(r"剖腹|剖宫|破腹|剖了|开刀|c-?section|ca?esarean")
_VAGINAL = re.compile(r"顺产|顺的")
_TOTAL = re.compile(r"总共|一共|加起来|合计|总计|全部|累计|总天数")
# Leave talk: 假, 休 (not a baby's 休息), 天数, 上班/返岗, 月子. Twins, miscarriage or a date alone are not
# enough ("双胞胎母乳喂养" is a feeding question); "多久"/"几号" count only next to 休/假/上班.
_LEAVE = re.compile(
    r"(?<!虚)假|休(?!息)|休息(?:多少|几|多久|多长)|天数|多少天|几天|"
    r"上班|返岗|复工|回单位|月子|maternity|paternity|leave|days? off|time off"
)
# Other leave and benefits are answered by their own entries, not by the birth-leave arithmetic.
_OTHER_TOPIC = re.compile(r"育儿假|婚假|补贴|个税|扣除|体检|疫苗|访视")
_BIRTH_LEAVE = re.compile(r"产假|生育假|护理假|陪产|maternity|paternity")
_THIRD_CHILD = re.compile(r"三孩|第三胎|第三个(?:孩子|娃|宝|小孩)|老三|三胎(?!一起)|third child")
_DUE = re.compile(r"预产期|预计|怀孕|还没生|快生|快要生|要生了|将要|准备生|打算生|\bdue\b|expect")
# a parsed date names one day (not only a month): 5日, 2025-11-28, 今天, 11月中旬
_DAY_LEVEL = re.compile(r"\d\s*[日号]|\d{4}\s*[-/.]|天|初|中|底|末|旬|头")
_SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})\s*年(?=\s*\d{1,2}\s*月)")
_YEAR_WORDS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_YEAR = r"(?:(?P<year>\d{4})\s*年|(?P<yword>前年|去年|今年|明年|后年))"
_YEAR_MONTH = re.compile(_YEAR + r"\s*(?P<month>\d{1,2})\s*月(?!\s*\d)")
_BARE_MONTH = re.compile(
    r"(?<![\d年])(?P<month>\d{1,2})\s*月份?(?:生|出生|的时候|底|初|中)?(?!\s*\d)"
)
_SEASONS = {
    "开春": (2, 4),
    "春天": (3, 5),
    "春季": (3, 5),
    "夏天": (6, 8),
    "夏季": (6, 8),
    "秋天": (9, 11),
    "秋季": (9, 11),
    "冬天": (12, 14),
    "冬季": (12, 14),
    "年初": (1, 2),
    "年底": (11, 12),
    "年末": (11, 12),
    "上半年": (1, 6),
    "下半年": (7, 12),
}
_SEASON = re.compile(_YEAR + r"\s*(?:的)?\s*(?P<season>" + "|".join(_SEASONS) + ")")
_YEAR_ONLY = re.compile(_YEAR + r"\s*(?:的时候)?\s*(?:生|出生|生的|出生的|要生|预产)")
_EN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m
}
_EN_MONTH_WORD = r"(?P<mon>" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + r")\w*\.?"
_EN_DATE = re.compile(r"\b" + _EN_MONTH_WORD + r"\s+(?P<year>\d{4})\b", re.I)  # 「March 2026」
_EN_DAY_DATE = [  # 「5 May 2026」, 「May 5th, 2026」
    re.compile(
        r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        + _EN_MONTH_WORD
        + r",?\s+(?P<year>\d{4})\b",
        re.I,
    ),
    re.compile(
        r"\b" + _EN_MONTH_WORD + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.I
    ),
]
_MULTIPLE = [
    (re.compile(r"双胞胎|双胎|双生|龙凤胎|俩宝|两个宝宝同时|\btwins?\b"), 2),
    (re.compile(r"三胞胎|三胎一起|triplets?"), 3),
    (re.compile(r"四胞胎|quadruplets?"), 4),
    (re.compile(r"五胞胎"), 5),
]
_N_TUPLETS = re.compile(_NUM + r"\s*胞胎")
_ANY_MULTIPLE = re.compile(r"多胞胎|multiple births?")
_WEEKS = re.compile(r"(?:孕)?" + _NUM + r"\s*(?:个)?(?:多)?\s*(?:周|星期|礼拜)")
_MONTHS = re.compile(r"(满)?\s*" + _NUM + r"\s*个?\s*(半|多)?\s*月(半)?")
_FULL_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(
    r"(\d{1,2}|[一二三四五六七八九十]+)\s*月\s*(\d{1,2}|[一二三四五六七八九十]+)\s*[日号]"
)


Bound = Literal["", "before", "after"]  # how a stated date limits the birth date, if it does


class LeaveQuery(BaseModel):
    """The facts a leave question states; None means the user did not say."""

    birth_date: dt.date | None = None
    difficult: bool = False
    babies: int | None = 1
    miscarriage: bool = False
    miscarriage_months: float | None = None
    pregnancy_weeks: float | None = None
    caesarean: bool = False
    vaginal: bool = False
    asks_total: bool = False
    birth_from: dt.date | None = None
    birth_to: dt.date | None = None
    bound: Literal["", "before", "after"] = (
        ""  # 「11月28日以前生的」: the date is a limit, not the birth day
    )
    due: bool = False
    third_child: bool = False


def cn_number(token: str) -> float | None:
    """Arabic or Chinese numeral (up to 99) → number; None if unreadable."""
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    if not token or any(ch not in _DIGITS and ch != "十" for ch in token):
        return None
    if "十" in token:
        head, _, tail = token.partition("十")
        tens = _DIGITS.get(head, 1) if head else 1
        ones = _DIGITS.get(tail, 0) if tail else 0
        return float(tens * 10 + ones)
    if len(token) == 1:
        return float(_DIGITS[token])
    return None


def _date_text(text: str) -> str:
    """Text with pregnancy lengths and leave lengths removed, so 3个月 or 98天 is never read as a date."""
    text = re.sub(
        r"\d+(?:\.\d+)?\s*(?:个\s*(?:多|半)?\s*月|(?:个)?\s*(?:多|半)?\s*(?:周|星期|礼拜))",
        " ",
        text,
    )
    return re.sub(r"\d+\s*天", " ", text)


def _weeks(text: str) -> float | None:
    """Pregnancy length in weeks, if stated (孕6周, 十二周)."""
    week = _WEEKS.search(text)
    return cn_number(week.group(1)) if week else None


def _months(text: str) -> float | None:
    """Pregnancy length in months: weeks ×7/30 (rounded to 0.01), or months with 半/多."""
    weeks = _weeks(text)
    if weeks is not None:
        return round(weeks * 7 / 30, 2)
    month = _MONTHS.search(text)
    if month:
        value = cn_number(month.group(2))
        if value is None:
            return None
        if month.group(3) == "半" or month.group(4) == "半" or month.group(3) == "多":
            value += 0.5
        return value
    return None


def _babies(text: str) -> int | None:
    """Number of babies born together; None for an unspecified 多胞胎."""
    for pattern, count in _MULTIPLE:
        if pattern.search(text):
            return count
    found = _N_TUPLETS.search(text)
    if found:
        value = cn_number(found.group(1))
        if value and value >= 2:
            return int(value)
    if _ANY_MULTIPLE.search(text):
        return None
    return 1


def _month_range(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    """First day of month `first` to the last day of month `last` (months past 12 roll into next year)."""
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    end_day = calendar.monthrange(end_year, end_month)[1]
    return dt.date(year, first, 1), dt.date(end_year, end_month, end_day)


def _year_of(match: re.Match[str], today: dt.date) -> int:
    """Year written as digits or as 去年/明年…."""
    if match.group("year"):
        return int(match.group("year"))
    return today.year + _YEAR_WORDS[match.group("yword")]


def _en_month(found: re.Match[str]) -> int:
    """The month number of an English month word (「Sept.」 and 「September」 alike)."""
    return _EN_MONTHS[found.group("mon").lower()[:3]]


def birth_period(text: str, *, today: dt.date, due: bool = False) -> tuple[dt.date, dt.date] | None:
    """The day or span a birth (or due) date names: 2025年11月29日, 2022年3月, 前年冬天, 明年开春, Feb 2027."""
    text = _SHORT_YEAR.sub(lambda m: f"20{m.group(1)}年", text)
    exact = parse_date(text, today=today, prefer="future" if due else "past")
    if exact.value and exact.matched and _DAY_LEVEL.search(exact.matched):
        return exact.value, exact.value
    found = _YEAR_MONTH.search(text)
    if found and 1 <= int(found.group("month")) <= 12:
        month = int(found.group("month"))
        return _month_range(_year_of(found, today), month, month)
    found = _SEASON.search(text)
    if found:
        first, last = _SEASONS[found.group("season")]
        return _month_range(_year_of(found, today), first, last)
    found = _YEAR_ONLY.search(text)
    if found:
        return _month_range(_year_of(found, today), 1, 12)
    for pattern in _EN_DAY_DATE:
        found = pattern.search(text)
        if found:
            try:
                named = dt.date(int(found.group("year")), _en_month(found), int(found.group("day")))
            except ValueError:
                continue
            return named, named
    found = _EN_DATE.search(text)
    if found:
        month = _en_month(found)
        return _month_range(int(found.group("year")), month, month)
    found = _BARE_MONTH.search(text)
    if found and 1 <= int(found.group("month")) <= 12:
        month = int(found.group("month"))
        year = today.year
        if due and month < today.month:
            year += 1
        if not due and month > today.month:
            year -= 1
        return _month_range(year, month, month)
    found = _BARE_DAY.search(text)
    if found:
        day = _nearest_day(int(found.group(1)), today=today, due=due)
        return (day, day) if day else None
    return None


# A date right before 以前/之前/前 or 以后/之后/起 is a limit of the birth date, not the birth date:
# 「2025年11月28日以前生的」 asks about every birth before that day, 「9月以后出生的」 about those from then on.
_BOUND = re.compile(
    r"(?:\d\s*(?:日|号|號)|\d\s*月份?|\d{4}\s*年|月\s*(?:初|底|末|中)|[上中下]旬)\s*"
    r"(?P<dir>以前|之前|前|以后|之后|后|以来|起)"
)


def _bounded(
    period: tuple[dt.date, dt.date], text: str, today: dt.date
) -> tuple[tuple[dt.date, dt.date], Bound]:
    """The birth span and bound when the date is a limit: before → the day before it, after → to today."""
    found = _BOUND.search(text)
    if found is None:
        return period, ""
    if "前" in found.group("dir"):
        last = period[0] - dt.timedelta(days=1)
        return (last, last), "before"
    return (period[0], max(period[0], today)), "after"


# 「27号生的」: a day of the month alone, read next to `today` (or the date the conversation is about)
_BARE_DAY = re.compile(r"(?<![\d月./-])(\d{1,2})\s*[号日]")


def _nearest_day(day: int, *, today: dt.date, due: bool) -> dt.date | None:
    """The closest date with this day of the month: not after `today` for a birth, not before for a due date."""
    first = today.replace(day=1)
    months = [first, (first + dt.timedelta(days=32)).replace(day=1)] if due else [first]
    if not due:
        months.append((first - dt.timedelta(days=1)).replace(day=1))
    for month in months:
        try:
            candidate = month.replace(day=day)
        except ValueError:
            continue
        if (candidate >= today) if due else (candidate <= today):
            return candidate
    return None


def parse_leave_query(
    text: str, *, assume_leave: bool = False, today: dt.date | None = None
) -> LeaveQuery | None:
    """A LeaveQuery when text asks for leave arithmetic, else None (let retrieval answer).

    assume_leave: the conversation is already about leave (a follow-up like "那双胞胎呢").
    """
    norm = normalize(text)
    today = today or clock_today()
    if _OTHER_TOPIC.search(norm) and not _BIRTH_LEAVE.search(norm):
        return None
    leave_talk = assume_leave or bool(_LEAVE.search(norm))
    miscarriage = bool(_MISCARRIAGE.search(norm))
    babies = _babies(norm)
    due = bool(_DUE.search(norm))
    dated = _date_text(norm)
    period = None if miscarriage else birth_period(dated, today=today, due=due)
    bound: Bound = ""
    if period is not None:
        period, bound = _bounded(period, dated, today)
    birth = period[0] if period and period[0] == period[1] and not bound else None
    third = bool(_THIRD_CHILD.search(norm))
    query = LeaveQuery(
        birth_from=period[0] if period else None,
        birth_to=period[1] if period else None,
        bound=bound,
        due=due,
        third_child=third,
        birth_date=birth,
        difficult=bool(_DIFFICULT.search(norm)),
        babies=babies,
        miscarriage=miscarriage,
        miscarriage_months=_months(norm) if miscarriage else None,
        pregnancy_weeks=_weeks(norm) if miscarriage else None,
        caesarean=bool(_CAESAREAN.search(norm)),
        vaginal=bool(_VAGINAL.search(norm)),
        asks_total=bool(_TOTAL.search(norm)),
    )
    if miscarriage:
        return query if leave_talk else None
    modifiers = (
        query.difficult
        or babies != 1
        or query.caesarean
        or query.vaginal
        or query.asks_total
        or period is not None
        or third
        or bool(_BIRTH_LEAVE.search(norm) and re.search(r"maternity|paternity", norm))
    )
    return query if (leave_talk and modifiers) else None
