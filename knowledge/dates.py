"""Dates as people type them in Chinese chats (明年3月5号, 3.5, 下个月初, 12/1, 昨天), resolved against a given today.

Pure functions: `today` is always passed in, so answers never depend on the clock of the test machine.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel

Prefer = Literal["past", "future", "nearest"]

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = re.compile(r"[零〇一二两三四五六七八九十]{1,3}")
_YEAR_WORDS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_DAY_WORDS = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "大后天": 3,
}
_MONTH_WORDS = {
    "上上个月": -2,
    "上个月": -1,
    "上月": -1,
    "这个月": 0,
    "本月": 0,
    "这月": 0,
    "下个月": 1,
    "下月": 1,
    "下下个月": 2,
}
_PART_OF_MONTH = {"初": 1, "头": 1, "上旬": 5, "中": 15, "中旬": 15, "下旬": 25, "底": -1, "末": -1}

_YEAR_PREFIX = r"(?:(?P<year>\d{4})\s*年|(?P<yword>前年|去年|今年|明年|后年))?\s*"
_FULL = re.compile(
    r"(?<!\d)(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})(?!\d)"
)
_MONTH_DAY = re.compile(
    _YEAR_PREFIX + r"(?P<month>\d{1,2})\s*月\s*(?:份\s*)?(?P<day>\d{1,2})\s*(?:日|号|號)?"
)
_SLASH = re.compile(r"(?<![\d.])(?P<month>\d{1,2})\s*[/.]\s*(?P<day>\d{1,2})(?![\d.%])")
_MONTH_PART = re.compile(
    _YEAR_PREFIX + r"(?P<month>\d{1,2})\s*月\s*(?:份)?\s*(?P<part>初|头|上旬|中旬|下旬|中|底|末)"
)
_REL_MONTH = re.compile(
    r"(?P<rel>上上个月|上个月|上月|这个月|本月|这月|下下个月|下个月|下月)\s*"
    r"(?:(?P<day>\d{1,2})\s*(?:日|号|號)?|(?P<part>初|头|上旬|中旬|下旬|中|底|末))?"
)
_DAYS_AGO = re.compile(r"(?P<n>\d{1,3})\s*(?:天|日)\s*(?P<dir>前|以前|之前|后|以后|之后)")
_DAY_WORD = re.compile("|".join(sorted(_DAY_WORDS, key=len, reverse=True)))


class DateParse(BaseModel):
    """A resolved date, or a question to ask back when the text names an impossible one."""

    value: dt.date | None = None
    error: str | None = None
    matched: str | None = None


def _cn_to_digits(match: re.Match[str]) -> str:
    """三 → 3, 十二 → 12, 二十五 → 25, 三十一 → 31 (numbers below 100)."""
    token = match.group(0)
    if "十" in token:
        head, _, tail = token.partition("十")
        if len(head) > 1 or len(tail) > 1:
            return token
        tens = _CN_DIGITS.get(head, 1) if head else 1
        return str(tens * 10 + (_CN_DIGITS.get(tail, 0) if tail else 0))
    if len(token) == 1:
        return str(_CN_DIGITS[token])
    return token


def _prepare(text: str) -> str:
    """Full-width to half-width, traditional 號/個 forms tolerated, Chinese numerals before 月/日/号 as digits."""
    text = unicodedata.normalize("NFKC", text or "").replace("個", "个").replace("後", "后")
    return re.sub(_CN_NUM.pattern + r"(?=\s*(?:月|日|号|號|天))", _cn_to_digits, text)


def _impossible(month: int, day: int | None) -> str:
    """The question asked back for a date that does not exist."""
    if not 1 <= month <= 12:
        return f"没有{month}月哦，您说的是哪一天？可以这样写：2026年3月5日。"
    return f"{month}月没有{day}号，您说的是哪一天？可以这样写：2026年3月5日。"


def _build(year: int, month: int, day: int) -> dt.date | None:
    """A real calendar date, or None."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _pick_year(month: int, day: int, today: dt.date, prefer: Prefer) -> int | None:
    """The year for a month and day written without one: last, this or next year by `prefer`."""
    candidates = [y for y in (today.year - 1, today.year, today.year + 1) if _build(y, month, day)]
    if not candidates:
        return None
    this_year = _build(today.year, month, day)
    if prefer == "past":
        return today.year if this_year and this_year <= today else today.year - 1
    if prefer == "future":
        return today.year if this_year and this_year >= today else today.year + 1
    return min(candidates, key=lambda y: abs((dt.date(y, month, min(day, 28)) - today).days))


def _month_shift(today: dt.date, months: int) -> tuple[int, int]:
    """(year, month) `months` away from today's month."""
    index = today.year * 12 + today.month - 1 + months
    return index // 12, index % 12 + 1


def _day_of_part(year: int, month: int, part: str) -> int:
    """初 → 1st, 中 → 15th, 底 → last day of that month."""
    day = _PART_OF_MONTH[part]
    return calendar.monthrange(year, month)[1] if day == -1 else day


def _explicit_year(match: re.Match[str], today: dt.date) -> int | None:
    """Year written as digits or as 去年/明年…, else None."""
    if match.group("year"):
        return int(match.group("year"))
    if match.group("yword"):
        return today.year + _YEAR_WORDS[match.group("yword")]
    return None


def _check(
    year: int | None, month: int, day: int, today: dt.date, prefer: Prefer, matched: str
) -> DateParse:
    """Validate month/day and resolve the year."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return DateParse(error=_impossible(month, day), matched=matched)
    if year is None:
        year = _pick_year(month, day, today, prefer)
        if year is None:
            return DateParse(error=_impossible(month, day), matched=matched)
    value = _build(year, month, day)
    if value is None:
        return DateParse(error=_impossible(month, day), matched=matched)
    return DateParse(value=value, matched=matched)


def parse_date(text: str, *, today: dt.date, prefer: Prefer = "nearest") -> DateParse:
    """The first date written in `text`; prefer says which year a bare 3月5号 means (past for births)."""
    text = _prepare(text)
    found = _FULL.search(text)
    if found:
        return _check(
            int(found.group("year")),
            int(found.group("month")),
            int(found.group("day")),
            today,
            prefer,
            found.group(0),
        )
    found = _MONTH_DAY.search(text)
    if found:
        return _check(
            _explicit_year(found, today),
            int(found.group("month")),
            int(found.group("day")),
            today,
            prefer,
            found.group(0).strip(),
        )
    found = _MONTH_PART.search(text)
    if found:
        month = int(found.group("month"))
        if not 1 <= month <= 12:
            return DateParse(error=_impossible(month, None), matched=found.group(0))
        year = _explicit_year(found, today) or _pick_year(month, 1, today, prefer) or today.year
        return DateParse(
            value=dt.date(year, month, _day_of_part(year, month, found.group("part"))),
            matched=found.group(0).strip(),
        )
    found = _REL_MONTH.search(text)
    if found:
        year, month = _month_shift(today, _MONTH_WORDS[found.group("rel")])
        if found.group("day"):
            return _check(year, month, int(found.group("day")), today, prefer, found.group(0))
        part = found.group("part")
        day = _day_of_part(year, month, part) if part else None
        if day is not None:
            return DateParse(value=dt.date(year, month, day), matched=found.group(0))
    found = _DAYS_AGO.search(text)
    if found:
        sign = -1 if "前" in found.group("dir") else 1
        return DateParse(
            value=today + dt.timedelta(days=sign * int(found.group("n"))), matched=found.group(0)
        )
    found = _DAY_WORD.search(text)
    if found:
        return DateParse(
            value=today + dt.timedelta(days=_DAY_WORDS[found.group(0)]), matched=found.group(0)
        )
    found = _SLASH.search(text)
    if found:
        return _check(
            None, int(found.group("month")), int(found.group("day")), today, prefer, found.group(0)
        )
    return DateParse()
