"""Operator guide service: read answers from text and turn the completed form into a cited checklist."""

from __future__ import annotations

from api.guides.schemas import ChecklistReply, ChecklistStepOut, OperatorAnswersIn, OperatorParsed
from api.guides.sources import to_sources
from api.guides.stepaside import EMERGENCY_NOTE, emergency_not_answer, step_aside
from knowledge.opening import OperatorAnswers, build_checklist, parse_answers


def parse(
    *, text: str, only: str | None = None, intent: str | None = None, emergency: bool = False
) -> OperatorParsed:
    """Answers recognised in one message, and whether the form should step aside for it."""
    answers = parse_answers(text, only=only)
    if not answers and emergency_not_answer(text, emergency):
        return OperatorParsed(answers={}, note=EMERGENCY_NOTE)
    return OperatorParsed(
        answers=answers,
        step_aside=step_aside(intent=intent, text=text, recognised=bool(answers), form="operator"),
    )


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
