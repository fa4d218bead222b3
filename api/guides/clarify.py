"""Ask instead of guess: close policy intents become buttons; a message without words gets "I didn't understand".

A message the engine could not place and that carries no words (knowledge.meaning), or that the NLU calls
`gibberish`, is never answered as small talk or out of scope: it gets a short "I didn't understand" with
the main topics as buttons, and on the second miss in a row the offer of a person as well (an offer only:
nothing pauses and nothing is filed unless the family chooses to leave a message).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from api.chat.schemas import Button
from api.config import Settings
from api.guides.handoff import offer
from api.guides.schemas import ClarifyReply, ClarifyRequest
from knowledge.meaning import meaningless
from knowledge.models import INTENTS

DATA_FILE = Path(__file__).resolve().parent / "data" / "clarify.yml"
QUESTION = "您是想问："
NOT_UNDERSTOOD = "抱歉，我没看懂您的意思。可以换个说法再问，或者点下面的常见问题："
GIBBERISH_INTENT = "gibberish"


class Choice(BaseModel):
    """One button: what it says and the knowledge entry that answers it."""

    title: str
    entry: str


class Suggestion(BaseModel):
    """A main topic offered when a message was not understood: a typed-looking question."""

    title: str
    payload: str


class ClarifyConfig(BaseModel):
    """Thresholds and buttons from data/clarify.yml."""

    margin: float
    floor: float
    max_buttons: int
    handoff_after: int
    intents: dict[str, Choice]
    suggestions: list[Suggestion]


@lru_cache(maxsize=1)
def clarify_config() -> ClarifyConfig:
    """The reviewed data file, once per process; every label names a known policy intent."""
    config = ClarifyConfig.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
    unknown = set(config.intents) - INTENTS
    if unknown:
        raise ValueError(f"{DATA_FILE}: unknown intents {sorted(unknown)}")
    return config


def payload(intent: str, entry: str) -> str:
    """/ask_x{"entry_id": "..."}: the intent, and the entry that answers it."""
    return f"/{intent}" + json.dumps({"entry_id": entry}, ensure_ascii=False, separators=(",", ":"))


def candidates(request: ClarifyRequest, config: ClarifyConfig) -> list[str]:
    """Policy intents close to the top one, when the top two are both policy intents."""
    ranking = [r for r in request.intent_ranking if r.name and r.name != "nlu_fallback"]
    ranking.sort(key=lambda r: r.confidence, reverse=True)
    if len(ranking) < 2 or not {ranking[0].name, ranking[1].name} <= INTENTS:
        return []
    top = ranking[0].confidence
    close = [
        r.name
        for r in ranking
        if r.name in INTENTS
        and r.name in config.intents
        and r.confidence >= config.floor
        and top - r.confidence <= config.margin
    ]
    return close[: config.max_buttons] if len(close) >= 2 else []


def _knowledge_decides(request: ClarifyRequest, names: list[str]) -> bool:
    """Close intents need no question when the learned decision answers with an entry of one of them,
    or when the question asks who handles something and triage names the department."""
    from api.kb.service import department_routing
    from knowledge.decide import decider
    from knowledge.scope import asks_department

    if asks_department(request.text) and department_routing(text=request.text, intent=None):
        return True
    decision = decider().decide(request.text)
    if decision.label != "answer" or not decision.hits:
        return False
    return bool(set(decision.hits[0].entry.intents) & set(names))


def not_understood(request: ClarifyRequest) -> bool:
    """The message has no words, or the NLU's best reading of it is gibberish."""
    return request.intent == GIBBERISH_INTENT or meaningless(request.text)


def not_understood_reply(
    request: ClarifyRequest, *, settings: Settings, config: ClarifyConfig
) -> ClarifyReply:
    """Short "I didn't understand" with the main topics; the second time in a row, a person offered too."""
    topics = [Button(title=s.title, payload=s.payload) for s in config.suggestions]
    if request.misunderstood_before + 1 >= config.handoff_after:
        handoff = offer(settings=settings, reason="misunderstood")
        return ClarifyReply(
            kind="handoff",
            text=handoff.text,
            buttons=[*handoff.buttons, *topics],
            handoff_after=config.handoff_after,
        )
    return ClarifyReply(
        kind="clarify", text=NOT_UNDERSTOOD, buttons=topics, handoff_after=config.handoff_after
    )


def decide(request: ClarifyRequest, *, settings: Settings) -> ClarifyReply:
    """Not understood, clarify with 2–3 buttons, a person offered after one miss too many, else pass."""
    config = clarify_config()
    if not_understood(request):
        return not_understood_reply(request, settings=settings, config=config)
    names = candidates(request, config)
    if not names or _knowledge_decides(request, names):
        return ClarifyReply(kind="pass", handoff_after=config.handoff_after)
    if request.misunderstood_before + 1 >= config.handoff_after:
        handoff = offer(settings=settings, reason="misunderstood")
        return ClarifyReply(
            kind="handoff",
            text=handoff.text,
            buttons=handoff.buttons,
            handoff_after=config.handoff_after,
        )
    buttons = [
        Button(title=config.intents[name].title, payload=payload(name, config.intents[name].entry))
        for name in names
    ]
    return ClarifyReply(
        kind="clarify", text=QUESTION, buttons=buttons, handoff_after=config.handoff_after
    )
