"""Never a dead chat: while the engine or the action server is down, answer from the knowledge base directly.

The gateway (api.chat.service) asks the engine's Watch whether a turn can go through the engine.
While it cannot, a message is answered here, in process: a policy question gets its cited answer
(kind `answer` with sources, or clarify / out of scope as the knowledge base decides) and a short
second message that forms and complaint filing wait for the engine, with the hotline; a message that
wants to file a complaint is told politely that filing is unavailable and where to call. The safety
gateway runs before all of this, so emergencies are still advised first.
"""

from __future__ import annotations

import asyncio
import json
import re

from api.chat.schemas import Button, ChatMessage, ChatResponse, Source
from api.config import Settings
from api.guides.clarify import clarify_config, not_understood_reply
from api.guides.schemas import ClarifyRequest
from api.kb.schemas import AnswerRequest, EntityIn
from api.kb.service import answer
from knowledge.meaning import meaningless
from knowledge.models import INTENTS
from knowledge.scope import about_complaints, asks_department, looks_asking

# A button payload: /intent or /intent{"entry_id": "..."} (Rasa's intent syntax).
_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


def unavailable_note(settings: Settings) -> str:
    """The short second message: what does not work right now, and who can help instead."""
    return (
        "提示：智能助手正在启动或维护，目前只能查询政策；在线投诉、留言和办事引导暂时无法使用。"
        f"如需投诉或办理，请拨打{settings.hotline_name}（{settings.hotline}）。"
    )


def complaint_refusal(settings: Settings) -> str:
    """A complaint that cannot be filed now: say so, and where it can be."""
    return (
        "抱歉，在线投诉正在启动或维护，暂时无法为您登记。"
        f"您可以现在拨打{settings.hotline_name}（{settings.hotline}）反映，"
        "或者稍后再来这里提交。"
    )


def files_complaint(text: str) -> bool:
    """Wants to file one (我要投诉…), rather than asks where such a problem goes."""
    return about_complaints(text) and not (asks_department(text) or looks_asking(text))


def request_for(text: str) -> AnswerRequest | None:
    """What the knowledge base is asked; a button payload of a non-policy intent (a form) gives None."""
    match = _PAYLOAD.match(text)
    if not match:
        return AnswerRequest(text=text)
    name, extra = match.group(1), match.group(2)
    if name not in INTENTS:
        return None
    entry = None
    if extra:
        try:
            entry = json.loads(extra).get("entry_id")
        except (ValueError, AttributeError):
            entry = None
    choice = clarify_config().intents.get(name)
    entry = entry or (choice.entry if choice else None)
    entities = [EntityIn(entity="entry_id", value=str(entry))] if entry else []
    return AnswerRequest(text="", intent=name, confidence=1.0, entities=entities)


def kb_turn(*, text: str, settings: Settings) -> ChatResponse:
    """One turn answered in process from the knowledge base, with the note on what waits for the engine."""
    note = ChatMessage(text=unavailable_note(settings))
    if files_complaint(text):
        return ChatResponse(
            messages=[ChatMessage(text=complaint_refusal(settings))], kind="handoff"
        )
    if meaningless(text):
        reply = not_understood_reply(
            ClarifyRequest(text=text), settings=settings, config=clarify_config()
        )
        buttons = [b for b in reply.buttons if not b.payload.startswith("/")] or None
        return ChatResponse(
            messages=[ChatMessage(text=reply.text, buttons=buttons)], kind="clarify"
        )
    request = request_for(text)
    if request is None:  # a form's button (留言, 请假计算…): only the note
        return ChatResponse(messages=[note], kind="handoff")
    result = answer(request=request, settings=settings)
    first = ChatMessage(
        text=result.text,
        buttons=[Button(title=b.title, payload=b.payload) for b in result.buttons] or None,
        sources=[Source(doc=s.doc, section=s.section, quote=s.quote) for s in result.sources]
        or None,
    )
    return ChatResponse(messages=[first, note], kind=result.kind)


async def kb_turn_async(*, text: str, settings: Settings) -> ChatResponse:
    """kb_turn off the event loop (retrieval embeds the question)."""
    return await asyncio.to_thread(kb_turn, text=text, settings=settings)
