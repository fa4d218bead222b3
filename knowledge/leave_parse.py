"""Recognise leave-arithmetic questions (难产, 多胞胎, 流产孕周, 总天数, 生产日期) in free Chinese text."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel

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
    r"流产|小产|胎停|没保住|引产|自然流|人流|(?:孩子|宝宝|胎儿|娃)(?:没了|掉了)"
)
_DIFFICULT = re.compile(r"难产")
_CAESAREAN = re.compile(r"剖腹|剖宫|破腹|剖了|开刀")
_VAGINAL = re.compile(r"顺产|顺的")
_TOTAL = re.compile(r"总共|一共|加起来|合计|总计|全部|累计|总天数")
# Leave talk: 假, 休 (not a baby's 休息), 天数, 上班/返岗, 月子. Twins, miscarriage or a date alone are not
# enough ("双胞胎母乳喂养" is a feeding question); "多久"/"几号" count only next to 休/假/上班.
_LEAVE = re.compile(
    r"(?<!虚)假|休(?!息)|休息(?:多少|几|多久|多长)|天数|多少天|几天|"
    r"上班|返岗|复工|回单位|月子"
)
_MULTIPLE = [
    (re.compile(r"双胞胎|双胎|双生|龙凤胎|俩宝|两个宝宝同时"), 2),
    (re.compile(r"三胞胎|三胎一起"), 3),
    (re.compile(r"四胞胎"), 4),
    (re.compile(r"五胞胎"), 5),
]
_N_TUPLETS = re.compile(_NUM + r"\s*胞胎")
_ANY_MULTIPLE = re.compile(r"多胞胎")
_WEEKS = re.compile(r"(?:孕)?" + _NUM + r"\s*(?:个)?(?:多)?\s*(?:周|星期|礼拜)")
_MONTHS = re.compile(r"(满)?\s*" + _NUM + r"\s*个?\s*(半|多)?\s*月(半)?")
_FULL_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(
    r"(\d{1,2}|[一二三四五六七八九十]+)\s*月\s*(\d{1,2}|[一二三四五六七八九十]+)\s*[日号]"
)


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


def _birth_date(text: str, today: dt.date) -> dt.date | None:
    """A birth date written as 2024年3月5日 / 2024-3-5 / 3月5号 (this year)."""
    found = _FULL_DATE.search(text)
    try:
        if found:
            return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        found = _MONTH_DAY.search(text)
        if found:
            month, day = cn_number(found.group(1)), cn_number(found.group(2))
            if month and day:
                return dt.date(today.year, int(month), int(day))
    except ValueError:
        return None
    return None


def parse_leave_query(
    text: str, *, assume_leave: bool = False, today: dt.date | None = None
) -> LeaveQuery | None:
    """A LeaveQuery when text asks for leave arithmetic, else None (let retrieval answer).

    assume_leave: the conversation is already about leave (a follow-up like "那双胞胎呢").
    """
    norm = normalize(text)
    today = today or dt.date.today()
    leave_talk = assume_leave or bool(_LEAVE.search(norm))
    miscarriage = bool(_MISCARRIAGE.search(norm))
    babies = _babies(norm)
    birth = _birth_date(norm, today)
    query = LeaveQuery(
        birth_date=None if miscarriage else birth,
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
        or birth is not None
    )
    return query if (leave_talk and modifiers) else None
