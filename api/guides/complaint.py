"""The complaint form's reader: what an answer is, which field it fits, and the summary that is filed.

Every answer (and the message that opens the form) comes here before anything is stored. The kind of the
turn is the shared reading (api.guides.stepaside: the NLU intent, the emergency detector); whether the
message describes what happened is learned (knowledge.complaint_opener, with triage's category signals);
what a value looks like is checked by shape — a phone number by its digits, a time by the triage time
expressions and knowledge.dates, a place by the NLU's reviewed `place` vocabulary or a place-suffix name, an
institution by a name before 托育/园/中心/托管班… (knowledge.triage.facts). A value that fits another field
better goes to that field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from api.chat.schemas import Button
from api.complaints.tickets import find_ticket
from api.complaints.timelimits import load_time_limits
from api.config import Settings
from api.guides.correct import Field, field_named, fields
from api.guides.schemas import ComplaintRead, ComplaintReadRequest, ComplaintSummary, FiledFields
from api.guides.stepaside import classify_turn, looks_like_question, side_answer
from api.kb.schemas import AnswerRead
from knowledge.clock import today
from knowledge.complaint_opener import describes
from knowledge.dates import parse_date
from knowledge.models import INTENTS
from knowledge.safety import detect
from knowledge.text import normalize
from knowledge.triage.assign import triage
from knowledge.triage.classifier import score_categories
from knowledge.triage.facts import extract_facts
from knowledge.triage.loader import load_fact_rules

DATA_FILE = Path(__file__).resolve().parent / "data" / "complaint_form.yml"
UNKNOWN = "不知道"
NO_PHONE = "不留"
MAX_TEXT = 5000
MAX_FIELD = 200
MIN_TEXT = 4
TEXT, INSTITUTION, PLACE, WHEN, PHONE, CONFIRM = (
    "complaint_text",
    "complaint_institution",
    "complaint_place",
    "complaint_when",
    "complaint_phone",
    "complaint_confirm",
)
OTHER_FLOWS = ("start_leave_calculator", "start_operator_guide")
STATUS = "check_complaint_status"
FACT_SLOTS = {"institution": INSTITUTION, "place": PLACE, "when": WHEN}
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3})?[2-9]\d{6,7}(?!\d)")
_FILLER = re.compile(
    r"[\s\W_]+|^(?:是|叫|在|就是|就在|好像是|好像叫|应该是|那家|那个)+", re.UNICODE
)


class Words(BaseModel):
    """The reviewed closed answers and texts of data/complaint_form.yml."""

    unknown: list[str]
    no_phone: list[str]
    confirm: list[str]
    relative_place: list[str]
    texts: dict[str, str]


@lru_cache(maxsize=1)
def words() -> Words:
    """The data file, once per process."""
    return Words.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


def _has(text: str, options: list[str]) -> bool:
    return any(option in text for option in options)


def find_phone(text: str) -> str | None:
    """The first mobile (1[3-9]xxxxxxxxx) or landline (区号+7–8 位) number in the text, digits only."""
    compact = re.sub(r"[\s\-()（）]", "", text)
    compact = re.sub(r"(?:\+86|0086)(?=1[3-9]\d{9})", "", compact)
    for pattern in (_MOBILE, _LANDLINE):
        match = pattern.search(compact)
        if match:
            return match.group(0)
    return None


def is_unknown(text: str) -> bool:
    """「不知道」「记不清了」… as a whole short answer."""
    return len(text) <= 20 and _has(text, words().unknown)


def wants_no_phone(text: str, intent: str | None) -> bool:
    """「不留」「匿名」… or a plain no, and no number in the message."""
    return find_phone(text) is None and (intent == "deny" or _has(text, words().no_phone))


class Shapes(BaseModel):
    """What the message looks like, field by field (None: no such value in it)."""

    institution: str | None = None
    place: str | None = None
    when: str | None = None
    phone: str | None = None

    def found(self) -> dict[str, str]:
        """Field slot → value for every shape found."""
        pairs = {INSTITUTION: self.institution, PLACE: self.place, WHEN: self.when}
        pairs[PHONE] = self.phone
        return {slot: value for slot, value in pairs.items() if value}


def shapes(text: str, entities: list[dict[str, Any]]) -> Shapes:
    """Read the value shapes of one normalised message."""
    facts = extract_facts(text=text)
    place = next((str(e["value"]) for e in entities if e.get("entity") == "place"), None)
    place = place or facts.get("place")
    institution = facts.get("institution")
    if institution and _has(text.split(institution, 1)[-1][:4], words().relative_place):
        place, institution = place or text, None  # 「小星星托育旁边」: where, not who
    when = facts.get("when")
    if when is None:
        dated = parse_date(text, today=today(), prefer="past")
        when = dated.matched if dated.value or dated.error else None
    return Shapes(institution=institution, place=place, when=when, phone=find_phone(text))


def _covers(text: str, value: str) -> bool:
    """The value is (almost) all the message says: nothing but filler is left around it."""
    rest = _FILLER.sub("", text.replace(value, "", 1))
    return len(rest) <= 2


def _label(slot: str) -> str:
    spec: Field | None = fields("complaint").get(slot)
    return spec.label if spec else slot


def _moved(slot: str, value: str) -> str:
    return words().texts["moved"].format(label=_label(slot), value=value)


def _empty(filled: dict[str, Any], slot: str) -> bool:
    return filled.get(slot) in (None, "", UNKNOWN)


def _triaged(text: str, filled: dict[str, Any]) -> dict[str, Any]:
    """事情经过 with its triage; facts triage found fill the fields still empty."""
    result = triage(text=text)
    values: dict[str, Any] = {
        TEXT: text,
        "complaint_triage": result.model_dump(mode="json"),
        "complaint_urgency": result.urgency,
    }
    facts = result.facts.model_dump()
    for fact, slot in FACT_SLOTS.items():
        found = facts.get(fact)
        if isinstance(found, list):
            found = "、".join(str(f) for f in found if f)
        if found and filled.get(slot) is None:
            values[slot] = str(found)[:MAX_FIELD]
    return values


def names_a_problem(text: str) -> bool:
    """A triage category signal fires on the words around the institution (「早教中心」 alone is no problem)."""
    rest = text
    for suffix in sorted(load_fact_rules().institution_suffixes, key=len, reverse=True):
        rest = rest.replace(suffix, " ")
    return bool(score_categories(text=rest))


def _process_text(filled: dict[str, Any]) -> str:
    """What happens after filing, with the reply time limit for this complaint's urgency."""
    _name, level = load_time_limits().level_for(str(filled.get("complaint_urgency") or ""))
    return words().texts["process"].format(reply=f"{level.reply.describe()}答复")


def _side_answer(request: ComplaintReadRequest, settings: Settings) -> AnswerRead | None:
    """A question the rules do not route (no policy intent): the knowledge base answers it, if it can."""
    return side_answer(
        text=request.text,
        intent=request.intent,
        confidence=request.confidence,
        entities=request.entities,
        settings=settings,
    )


def read(*, request: ComplaintReadRequest, settings: Settings) -> ComplaintRead:
    """Read one answer of the complaint form (slot None: the message that opened it)."""
    text = normalize(request.text).strip()
    slot = request.slot
    filled = dict(request.filled)
    entities = [e.model_dump() for e in request.entities]
    found = shapes(text, entities)
    asks_text = slot in (None, TEXT)
    if not text:
        return ComplaintRead(kind="value", say=[] if slot is None else [words().texts["empty"]])
    shaped = bool(found.found()) or is_unknown(text)
    question = looks_like_question(text)
    if asks_text:
        category = names_a_problem(text)
        recognised = category or describes(text)
        question = question and not category
    elif slot == CONFIRM:
        recognised = request.intent == "affirm" or _has(text, words().confirm)
    else:
        # a free field takes any words, unless the NLU reads a policy question and nothing in it fits a field
        recognised = shaped or (slot != PHONE and request.intent not in INTENTS)
    if (request.emergency and not asks_text and not (shaped and slot != CONFIRM)) or (
        slot not in (None, TEXT, CONFIRM) and not shaped and detect(text).is_emergency
    ):
        return ComplaintRead(kind="emergency", say=[words().texts["emergency"]])
    kind = classify_turn(intent=request.intent, text=text, recognised=recognised and not question)
    if kind == "cancel":
        return ComplaintRead(kind="cancel", step_aside=True)
    if kind == "correct":
        return _correction(text, found, filled, request.intent)
    if kind == "side":
        return ComplaintRead(kind="side", step_aside=True)
    if kind == "command" and request.intent == STATUS and not find_ticket(text):
        # 「投诉多久有结果」 while filing: a question about the process, not a lookup (no ticket exists yet):
        # the knowledge base's answer, else the reply time limit this complaint will get
        answer = _side_answer(request, settings)
        say = [] if answer else [_process_text(filled)]
        return ComplaintRead(kind="side", answer=answer, say=say)
    if kind == "command" and request.intent in OTHER_FLOWS:
        # 「帮我算产假」 inside the complaint: answered here (the knowledge base computes it), then the question again
        answer = _side_answer(request, settings)
        return ComplaintRead(kind="side", answer=answer, step_aside=answer is None)
    if kind == "command" and request.intent != "file_complaint":
        return ComplaintRead(kind="side", step_aside=True)  # 转人工, 查询投诉…: the rules take it
    if asks_text:
        return _read_text(request, text, found, filled, recognised=recognised, settings=settings)
    if slot == CONFIRM:
        return _read_confirm(text, request.intent, filled)
    if kind == "value" and request.intent not in INTENTS and question and not shaped:
        # a question, not a value: answered when the knowledge base can, never stored as the field
        answer = _side_answer(request, settings)
        if answer:
            return ComplaintRead(kind="side", answer=answer)
        # unanswered, it is most likely about this complaint: what the form promises comes with the note
        unanswered = words().texts["side_unanswered"].format(process=_process_text(filled))
        return ComplaintRead(kind="side", say=[unanswered])
    return _read_field(slot or TEXT, text, request, found, filled)


def _read_text(
    request: ComplaintReadRequest,
    text: str,
    found: Shapes,
    filled: dict[str, Any],
    *,
    recognised: bool,
    settings: Settings,
) -> ComplaintRead:
    """事情经过 (or the opening message): an opener keeps only the fields it names; a description is kept whole."""
    opening = request.slot is None
    for other, value in found.found().items():
        if _covers(text, value) and _empty(filled, other) and not names_a_problem(text):
            # only a name, a place, a time or a number: that field, and the story is still asked for
            return ComplaintRead(kind="value", values={other: value}, say=[_moved(other, value)])
    if not recognised:
        if not opening and looks_like_question(text) and request.intent not in INTENTS:
            answer = _side_answer(request, settings)
            if answer:
                return ComplaintRead(kind="side", answer=answer)
        values = {s: v for s, v in found.found().items() if s != PHONE and _empty(filled, s)}
        again = "opener_again" if request.intent == "file_complaint" or values else "too_short"
        say = [] if opening else [words().texts[again]]
        return ComplaintRead(kind="opener", values=values, say=say)
    if len(text) > MAX_TEXT:
        return ComplaintRead(kind="value", say=[words().texts["too_long"]])
    if len(_FILLER.sub("", text)) < MIN_TEXT:
        return ComplaintRead(kind="value", say=[words().texts["too_short"]])
    values = _triaged(request.text.strip()[:MAX_TEXT], filled)
    urgent = str(values.get("complaint_urgency") or "") in ("urgent", "high")
    return ComplaintRead(kind="value", values=values, say=[words().texts["noted"]], urgent=urgent)


def _read_field(
    slot: str, text: str, request: ComplaintReadRequest, found: Shapes, filled: dict[str, Any]
) -> ComplaintRead:
    """Institution, place, time or phone: the asked field, or the field the value fits better."""
    intent = request.intent
    words_given = request.text.strip()[:MAX_FIELD]
    if slot == PHONE:
        if found.phone:
            return ComplaintRead(kind="value", values={PHONE: found.phone})
        if wants_no_phone(text, intent):
            return ComplaintRead(kind="value", values={PHONE: NO_PHONE})
    elif is_unknown(text):
        return ComplaintRead(kind="value", values={slot: UNKNOWN})
    if found.found().get(slot):  # its own shape: the family's words are kept whole
        return ComplaintRead(kind="value", values={slot: words_given})
    for other, value in found.found().items():
        fits = _covers(text, value) or (slot == PHONE and not re.search(r"\d{4}", text))
        if other != slot and fits and _empty(filled, other):
            return ComplaintRead(kind="value", values={other: value}, say=[_moved(other, value)])
    if slot == PHONE:
        return ComplaintRead(kind="value", say=[words().texts["phone_invalid"]])
    return ComplaintRead(kind="value", values={slot: words_given})


def _read_confirm(text: str, intent: str | None, filled: dict[str, Any]) -> ComplaintRead:
    """At the summary: submit, or change the field named (also right after 「您想改哪一项」)."""
    named = field_named("complaint", text)
    if named and (filled.get("complaint_edit") == "ask" or intent in ("correct", "deny")):
        return _clear(named.slot)
    if intent == "affirm" or (intent not in ("deny", "correct") and _has(text, words().confirm)):
        return ComplaintRead(kind="value", values={CONFIRM: "yes", "complaint_edit": None})
    if intent == "deny":
        return ComplaintRead(kind="correct", values={"complaint_edit": "ask"})
    return ComplaintRead(kind="value", say=[words().texts["summary_unclear"]])


def _clear(slot: str) -> ComplaintRead:
    """Clear one field so the form asks it again (and the summary is shown again after it)."""
    values: dict[str, Any] = {slot: None, CONFIRM: None, "complaint_edit": None}
    if slot == TEXT:
        values.update({"complaint_triage": None, "complaint_urgency": None})
    return ComplaintRead(
        kind="correct",
        values=values,
        say=[words().texts["edit_field"].format(label=_label(slot))],
    )


def _correction(
    text: str, found: Shapes, filled: dict[str, Any], intent: str | None
) -> ComplaintRead:
    """「电话写错了 139…」 takes the new value at once; 「地点说错了」 alone is for the rules (clear, ask again)."""
    named = field_named("complaint", text)
    values = found.found()
    if named and named.slot in values:
        new = values[named.slot]
    elif not named and len(values) == 1:
        named_slot, new = next(iter(values.items()))
        named = fields("complaint")[named_slot]
    else:
        return ComplaintRead(kind="correct", step_aside=True)
    return ComplaintRead(
        kind="correct",
        values={named.slot: new, CONFIRM: None, "complaint_edit": None},
        say=[words().texts["changed"].format(label=named.label, value=new)],
    )


def _shown(value: str | None) -> str:
    """A field as the summary shows it."""
    return UNKNOWN if value in (None, "", UNKNOWN) else str(value)


def summary(*, body: FiledFields) -> ComplaintSummary:
    """The summary of exactly the body that will be filed (the action files the body it sent here)."""
    texts = words().texts
    lines = [
        texts["summary_head"],
        f"① 事情经过：{body.text}",
        f"② 机构：{_shown(body.institution)}",
        f"③ 地点：{_shown(body.place)}",
        f"④ 时间：{_shown(body.when)}",
        f"⑤ 联系电话：{body.phone or '不留（匿名）'}",
    ]
    if body.urgent:
        lines.append(texts["summary_urgent"])
    lines.append(texts["summary_tail"])
    return ComplaintSummary(
        text="\n".join(lines),
        buttons=[
            Button(title="确认提交", payload="确认提交"),
            Button(title="修改", payload="修改"),
            Button(title="取消", payload="取消"),
        ],
    )
