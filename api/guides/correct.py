"""「改一下」 inside a form: which field the person names, so the form clears it and asks it again."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from api.chat.schemas import Button
from api.guides.schemas import CorrectReply, CorrectRequest
from knowledge.text import normalize

DATA_FILE = Path(__file__).resolve().parent / "data" / "form_fields.yml"
EDIT_WHICH = "您想改哪一项？点下面的按钮，或者直接说「……说错了，是……」。"
EDIT_FIELD = "好的，重新说一下{label}。"
# as the complaint reader says it (complaint_form.yml)
EDIT_DONE = "好的，{label}改成「{value}」了。"
# short free-text fields taken as said; the story, the phone (checked and masked by the reader) and the
# guides' answers (dates, choices) are asked again and read by their readers
VALUE_SLOTS = frozenset({"complaint_institution", "complaint_place", "complaint_when"})
# 「……说错了，是……」: the new value follows 是/改成/应该是 after the field's name
_NEW_VALUE = re.compile(
    r"(?:应该是|改成|改为|换成|其实是|是)\s*[「“\"']?(?P<value>[^「」“”\"'，,。；;！!？?\s]+)"
)
NOTHING_YET = "还没有填过的内容可改，接着回答下面的问题就行。"


class Field(BaseModel):
    """One form field as people name it."""

    slot: str
    label: str
    button: str
    words: list[str]


@lru_cache(maxsize=1)
def _all() -> dict[str, dict[str, Field]]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return {
        form: {slot: Field(slot=slot, **spec) for slot, spec in specs.items()}
        for form, specs in raw.items()
    }


def fields(form: str) -> dict[str, Field]:
    """The form's fields in the order they are matched."""
    return _all()[form]


def field_named(form: str, text: str) -> Field | None:
    """The field a correction names (「地点说错了」→ complaint_place), or None."""
    norm = normalize(text)
    return next((f for f in fields(form).values() if any(w in norm for w in f.words)), None)


def new_value(text: str, named: Field) -> str | None:
    """The value stated after the field's name (first phrase only: 「是小蜜蜂，蜜蜂的蜂」 → 小蜜蜂)."""
    norm = normalize(text)
    start = max((norm.find(w) + len(w) for w in named.words if w in norm), default=0)
    found = _NEW_VALUE.search(norm, start)
    return found.group("value") if found else None


def correct(*, request: CorrectRequest) -> CorrectReply:
    """Clear the named field that was answered; otherwise ask which one (buttons for the answered ones)."""
    answered = [s for s in request.filled if s in fields(request.form)]
    named = field_named(request.form, request.text)
    if named and named.slot in answered:
        value = new_value(request.text, named) if named.slot in VALUE_SLOTS else None
        if value:
            return CorrectReply(
                field=named.slot, value=value, text=EDIT_DONE.format(label=named.label, value=value)
            )
        return CorrectReply(field=named.slot, text=EDIT_FIELD.format(label=named.label))
    if not answered:
        return CorrectReply(text=NOTHING_YET)
    buttons = [
        Button(title=fields(request.form)[s].button, payload=fields(request.form)[s].button)
        for s in answered
    ]
    return CorrectReply(text=EDIT_WHICH, buttons=buttons)
