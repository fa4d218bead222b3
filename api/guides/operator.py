"""Operator guide service: read answers from text and turn the completed form into a cited checklist."""

from __future__ import annotations

from api.config import Settings
from api.guides.schemas import ChecklistReply, ChecklistStepOut, OperatorAnswersIn, OperatorParsed
from api.guides.sources import to_sources
from api.guides.stepaside import (
    EMERGENCY_NOTE,
    emergency_not_answer,
    looks_like_question,
    side_answer,
    step_aside,
)
from knowledge.opening import OperatorAnswers, build_checklist, needed_questions, parse_answers


def parse(
    *,
    text: str,
    only: str | None = None,
    intent: str | None = None,
    emergency: bool = False,
    filled: dict[str, str | list[str] | None] | None = None,
    settings: Settings,
) -> OperatorParsed:
    """Answers recognised in one message, whether the form should step aside for it, and which
    questions still matter."""
    answers = parse_answers(text, only=only)
    known = {key: value for key, value in (filled or {}).items() if value}
    needed = needed_questions({**known, **answers})
    if not answers and emergency_not_answer(text, emergency):
        return OperatorParsed(answers={}, note=EMERGENCY_NOTE, needed=needed)
    aside = step_aside(intent=intent, text=text, recognised=bool(answers), form="operator")
    answer = None
    if not answers and not aside and looks_like_question(text):
        answer = side_answer(text=text, intent=intent, settings=settings)
    return OperatorParsed(answers=answers, step_aside=aside, needed=needed, answer=answer)


def checklist(answers: OperatorAnswersIn) -> ChecklistReply:
    """The ordered checklist for these answers, as one message and as structured steps."""
    built = build_checklist(OperatorAnswers(**answers.model_dump()))
    steps = [
        ChecklistStepOut(
            number=s.number,
            title=s.title,
            department=s.department,
            action=s.action,
            requires=s.requires,
            sources=to_sources(s.citations),
        )
        for s in built.steps
    ]
    return ChecklistReply(text=built.render(), sources=to_sources(built.citations), steps=steps)
