"""The opening-an-institution checklist: answers to a few questions in, ordered cited steps out (pure).

Questions, options, keywords and steps live in data/opening_steps.yml; this module only reads answers
from text and selects, orders and renders the steps that apply.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge.models import Button, Citation
from knowledge.text import normalize

STEPS_FILE = Path(__file__).resolve().parent / "data" / "opening_steps.yml"
QUESTION_IDS: tuple[str, ...] = ("nature", "premises", "location", "services", "ages")
Answer = str | list[str]
# The entry that asks "which departments do I go to?": answered with every step in order at once.
OVERVIEW_ENTRY = "open-institution-overview"
# Starts the engine's operator form directly (Rasa's /intent payload), for the personalised checklist.
START_GUIDE = Button(title="按我的情况生成开办清单", payload="/start_operator_guide")


class Option(BaseModel):
    """One possible answer to a question and the words people use for it."""

    model_config = ConfigDict(frozen=True)

    value: str
    label: str
    keywords: tuple[str, ...] = ()


class Question(BaseModel):
    """One question of the operator form."""

    model_config = ConfigDict(frozen=True)

    id: str
    prompt: str
    multi: bool = False
    options: tuple[Option, ...]

    def label(self, value: str) -> str:
        """Human label of an option value."""
        return next((o.label for o in self.options if o.value == value), value)


class StepCitation(BaseModel):
    """A clause of the plan quoted by a step."""

    model_config = ConfigDict(frozen=True)

    section: str
    quote: str


class StepSpec(BaseModel):
    """A step as written in the data file, with the answers it applies to."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    department: str
    action: str
    requires: str | None = None
    when: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    citations: tuple[StepCitation, ...] = Field(min_length=1)


class NoteSpec(BaseModel):
    """A caution shown when the answers combine in a way the plan speaks to."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    when: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    citations: tuple[StepCitation, ...] = ()


class OpeningBook(BaseModel):
    """The whole reviewed data file."""

    model_config = ConfigDict(frozen=True)

    doc: str
    source: str
    questions: tuple[Question, ...]
    steps: tuple[StepSpec, ...]
    notes: tuple[NoteSpec, ...] = ()

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if unknown)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


class OperatorAnswers(BaseModel):
    """What the person told the form; multi-choice answers are lists."""

    nature: str
    premises: str
    location: str
    services: list[str] = Field(default_factory=list)
    ages: list[str] = Field(default_factory=list)


class ChecklistStep(BaseModel):
    """One numbered step of a checklist as sent to the user."""

    number: int
    id: str
    title: str
    department: str
    action: str
    requires: str | None = None
    citations: list[Citation]


class Checklist(BaseModel):
    """The ordered steps for one set of answers, plus cautions and a summary of the answers."""

    answers: OperatorAnswers
    summary: str
    steps: list[ChecklistStep]
    notes: list[str] = Field(default_factory=list)
    note_citations: list[Citation] = Field(default_factory=list)

    def render(self) -> str:
        """The whole checklist as one message a person can copy."""
        lines = [f"开办托育机构清单（{self.summary}）："]
        for step in self.steps:
            lines.append(f"{step.number}. {step.title}【{step.department}】{step.action}")
            if step.requires:
                lines.append(f"   要求：{step.requires}")
            sections = "；".join(dict.fromkeys(c.section for c in step.citations))
            lines.append(f"   依据：攀仁府办〔2020〕128号 {sections}")
        lines.extend(self.notes)
        lines.append("以上按仁和区实施方案整理，具体材料和办理时限请以各部门窗口的要求为准。")
        return "\n".join(lines)

    @property
    def citations(self) -> list[Citation]:
        """Every clause the checklist relies on, once each, in step order."""
        every = [c for step in self.steps for c in step.citations] + self.note_citations
        return list(dict.fromkeys(every))


@lru_cache(maxsize=1)
def opening_book(path: Path = STEPS_FILE) -> OpeningBook:
    """The data file, parsed and validated once per process."""
    return OpeningBook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _applies(when: dict[str, tuple[str, ...]], answers: OperatorAnswers) -> bool:
    """A condition holds when every named answer takes (or, for lists, includes) one of the listed values."""
    for key, allowed in when.items():
        given = getattr(answers, key)
        values = given if isinstance(given, list) else [given]
        if not set(values) & set(allowed):
            return False
    return True


def _summary(answers: OperatorAnswers, book: OpeningBook) -> str:
    """'营利性｜租赁｜居住小区内｜全日制、计时制｜2—3岁' from the answers."""
    parts = []
    for qid in QUESTION_IDS:
        question = book.question(qid)
        given = getattr(answers, qid)
        values = given if isinstance(given, list) else [given]
        if values:
            parts.append("、".join(question.label(v) for v in values))
    return "｜".join(parts)


def build_checklist(answers: OperatorAnswers, *, book: OpeningBook | None = None) -> Checklist:
    """Ordered, numbered steps that apply to these answers, each with its department and cited clauses."""
    book = book or opening_book()
    steps: list[ChecklistStep] = []
    for spec in book.steps:
        if not _applies(spec.when, answers):
            continue
        steps.append(
            ChecklistStep(
                number=len(steps) + 1,
                id=spec.id,
                title=spec.title,
                department=spec.department,
                action=spec.action,
                requires=spec.requires,
                citations=[
                    Citation(doc=book.doc, section=c.section, quote=c.quote) for c in spec.citations
                ],
            )
        )
    notes = [n for n in book.notes if _applies(n.when, answers)]
    return Checklist(
        answers=answers,
        summary=_summary(answers, book),
        steps=steps,
        notes=[n.text for n in notes],
        note_citations=[
            Citation(doc=book.doc, section=c.section, quote=c.quote)
            for n in notes
            for c in n.citations
        ],
    )


# a keyword after 不/没(有)/并非 in the same phrase (「不是租的」「不在居民小区」「不打算营利」), or followed
# by 的不做/不要… (「计时的不做」), is denied
_NEGATION = re.compile(r"(?:不|没有?|并非)\w{0,3}$")
_DENIED_AFTER = re.compile(r"^\w?的?(?:不|没有?)(?:做|要|收|办|开|提供|考虑|搞)")


def _matches(text: str, question: Question) -> tuple[list[str], list[str]]:
    """(said, denied) option values whose keywords occur in text; longer keywords win (非营利 is not 营利)."""
    by_keyword: dict[str, list[str]] = {}
    for option in question.options:
        for keyword in option.keywords:
            by_keyword.setdefault(keyword.lower(), []).append(option.value)
    found: list[tuple[int, str, bool]] = []
    original = text
    for keyword in sorted(by_keyword, key=len, reverse=True):
        for match in re.finditer(re.escape(keyword), text):
            before = original[max(0, match.start() - 5) : match.start()]
            after = original[match.end() : match.end() + 5]
            negated = bool(_NEGATION.search(before) or _DENIED_AFTER.match(after))
            found.extend((match.start(), value, negated) for value in by_keyword[keyword])
            text = text[: match.start()] + " " * len(keyword) + text[match.end() :]
    ordered = sorted(found, key=lambda item: item[0])
    denied = list(dict.fromkeys(value for _, value, no in ordered if no))
    said = list(dict.fromkeys(value for _, value, no in ordered if not no and value not in denied))
    return said, denied


def parse_answers(
    text: str, *, only: str | None = None, book: OpeningBook | None = None
) -> dict[str, Answer]:
    """Answers recognised in free text (or an option value sent by a button); ambiguous single choices are
    left out, and a single choice whose other options are all denied is the one left (「不在小区 也不是幼儿园」)."""
    book = book or opening_book()
    norm = normalize(text).replace("－", "-").replace("—", "-").replace("~", "-").replace("～", "-")
    found: dict[str, Answer] = {}
    for question in book.questions:
        if only and question.id != only:
            continue
        exact = [o.value for o in question.options if o.value == norm.strip()]
        values, denied = (exact, []) if exact else _matches(norm, question)
        if question.id == "ages" and not exact:
            values = list(dict.fromkeys([*values, *age_buckets(norm)]))
        if not values and denied and not question.multi:
            rest = [o.value for o in question.options if o.value not in denied]
            values = rest if len(rest) == 1 else []
        if not values:
            continue
        if question.multi:
            found[question.id] = values
        elif len(values) == 1:
            found[question.id] = values[0]
    return found


_AGE_RANGE = re.compile(
    r"(\d+(?:\.\d+)?|[零一二两三])\s*(岁半|岁|个月)?\s*(?:到|至|-)\s*(\d+(?:\.\d+)?|[一二两三])\s*(岁半|岁|个月)"
)
_CN_DIGIT = {"零": 0.0, "一": 1.0, "二": 2.0, "两": 2.0, "三": 3.0}
BUCKETS = (("under_1", 0.0, 1.0), ("age_1_2", 1.0, 2.0), ("age_2_3", 2.0, 3.0))


def _years(number: str, unit: str | None, fallback: str | None) -> float:
    value = _CN_DIGIT[number] if number in _CN_DIGIT else float(number)
    unit = unit or fallback or "岁"
    if unit == "个月":
        return value / 12
    return value + (0.5 if unit == "岁半" else 0.0)


def age_buckets(text: str) -> list[str]:
    """The age groups an age range spans: 「1岁半到3岁」 → 1—2岁, 2—3岁; 「18个月到3岁」 likewise."""
    out: list[str] = []
    for match in _AGE_RANGE.finditer(text):
        start = _years(match.group(1), match.group(2), match.group(4))
        end = _years(match.group(3), match.group(4), None)
        if end <= start:
            continue
        out.extend(name for name, low, high in BUCKETS if start < high and end > low)
    return list(dict.fromkeys(out))


def needed_questions(answers: dict[str, Answer], *, book: OpeningBook | None = None) -> list[str]:
    """Questions whose answer can still change the checklist, in asking order: one that only a step or
    note for other answers depends on is not asked (ages matter only for a kindergarten's 托班)."""
    book = book or opening_book()
    conditions = [spec.when for spec in book.steps] + [note.when for note in book.notes]

    def compatible(when: dict[str, tuple[str, ...]], skip: str) -> bool:
        for key, allowed in when.items():
            given = answers.get(key)
            if key == skip or not given:
                continue
            values = given if isinstance(given, list) else [given]
            if not set(values) & set(allowed):
                return False
        return True

    return [
        q.id
        for q in book.questions
        if any(q.id in when and compatible(when, q.id) for when in conditions)
    ]


def missing_questions(
    answers: dict[str, Answer], *, book: OpeningBook | None = None
) -> list[Question]:
    """Questions not answered yet, in asking order."""
    book = book or opening_book()
    return [q for q in book.questions if not answers.get(q.id)]


def _condition(when: dict[str, tuple[str, ...]], book: OpeningBook) -> str:
    """「（新建、改建时）」: the answers a step applies to, in the form's own labels."""
    labels = [book.question(qid).label(value) for qid, values in when.items() for value in values]
    return f"（{'、'.join(labels)}时）" if labels else ""


def overview(*, book: OpeningBook | None = None) -> tuple[str, list[Citation]]:
    """Every step in order with its department (and when it applies), and one clause per step."""
    book = book or opening_book()
    lines = ["开办托育机构，一般按下面的顺序跑这些部门："]
    citations: list[Citation] = []
    for number, spec in enumerate(book.steps, start=1):
        lines.append(f"{number}. {spec.department}：{spec.title}{_condition(spec.when, book)}")
        first = spec.citations[0]
        citations.append(Citation(doc=book.doc, section=first.section, quote=first.quote))
    lines.append("告诉我机构性质、场地和服务内容，我可以按您的情况列出具体清单。")
    return "\n".join(lines), list(dict.fromkeys(citations))
