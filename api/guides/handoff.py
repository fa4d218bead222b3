"""Hand-off to staff: the offer (hotline + 留言), and releasing a paused conversation back to the bot.

The offer pauses nothing: the family reads the hotline and two buttons, 「我要留言」 (/leave_message) and
「不用留言」 (/continue_bot). Only when they choose to leave a message does the engine pause the
conversation and take their next message as a 留言 for the staff queue.

Design: the pause lives in the engine as the conversation's `handoff_active` slot (set by the action
server). Staff release a conversation by appending SlotSet events to its Rasa tracker through Rasa's HTTP
API (`--enable-api`, bound to 127.0.0.1), so the engine sees the release on the very next message with no
polling and no extra table. The user can also resume by saying 「继续问机器人」.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import httpx

from api.chat.schemas import Button
from api.config import Settings
from api.errors import EngineUnavailable
from api.guides.complaint import find_phone
from api.guides.schemas import HandoffRead, HandoffReply
from knowledge.text import normalize

logger = logging.getLogger(__name__)

RELEASE_EVENTS = [
    {"event": "slot", "name": "handoff_active", "value": False},
    {"event": "slot", "name": "handoff_stage", "value": None},
    {"event": "slot", "name": "misunderstandings", "value": 0},
]


def offer(*, settings: Settings, reason: str = "asked") -> HandoffReply:
    """Hotline from settings, and the choice to leave a message for staff or go on with the bot."""
    opening = (
        "抱歉，我还是没能理解您的意思。需要的话可以找工作人员："
        if reason == "misunderstood"
        else "好的，可以找工作人员帮您："
    )
    text = (
        f"{opening}拨打{settings.hotline_name}（{settings.hotline}）；或者点「我要留言」，把问题写下来，"
        "工作人员看到后会联系您。不需要的话点「不用留言」，继续问我就行。"
    )
    buttons = [
        Button(title="我要留言", payload="/leave_message"),
        Button(title="不用留言", payload="/continue_bot"),
    ]
    return HandoffReply(text=text, buttons=buttons, hotline=settings.hotline)


# 「留言：…」「我要留言 …」 at the start: the choice and the message in one
_LEAD = re.compile(
    r"^(?:我(?:要|想)|帮我|麻烦)?(?:留个?言|留一下言)(?:给(?:你们|工作人员))?[:：,，。\s]*"
)
# a call-back asked for, with a number to call: a message for staff, not a question for the bot
_CALLBACK = re.compile(
    r"回(?:个|一下)?电话|回电|联系我|打(?:个)?电话给我|打给我|回复我|发短信|回个短信"
)
_MIN_MESSAGE = 8  # characters of content (letters, digits, 汉字) for a 留言 worth filing as it is


def read_message(*, text: str, intent: str | None) -> HandoffRead:
    """After the offer: did the family choose a 留言 (the intent, 「留言：」 first, or a call-back with a
    number), and is the message already here (more than the choice itself)?"""
    norm = normalize(text).strip()
    lead = _LEAD.match(norm)
    callback = bool(find_phone(norm)) and bool(_CALLBACK.search(norm))
    chose = bool(lead) or intent == "leave_message" or callback
    content = norm[lead.end() :] if lead else norm
    if intent == "leave_message" and not lead and not callback:
        content = ""  # 「我想留个言」 alone: the message comes next
    substantial = len(re.sub(r"[\W_]", "", content)) >= _MIN_MESSAGE
    return HandoffRead(leave=chose, message=text.strip() if chose and substantial else None)


async def release(
    *, settings: Settings, sender_id: str, client: httpx.AsyncClient | None = None
) -> None:
    """Clear the conversation's hand-off slots in the engine; EngineUnavailable if Rasa cannot be reached."""
    url = f"{settings.rasa_url}/conversations/{quote(sender_id, safe='')}/tracker/events"
    owned = client is None
    client = client or httpx.AsyncClient(
        timeout=httpx.Timeout(settings.engine_timeout_s, connect=1.5)
    )
    try:
        response = await client.post(
            url,
            params={"include_events": "NONE", "token": settings.rasa_token},  # Rasa HTTP API auth
            json=RELEASE_EVENTS,
        )
    except httpx.HTTPError as error:
        logger.warning("handoff release: engine unreachable (%s)", type(error).__name__)
        raise EngineUnavailable("对话引擎暂时不可用，未能恢复自动回答，请稍后再试") from error
    finally:
        if owned:
            await client.aclose()
    if response.status_code >= 400:
        logger.warning("handoff release: engine answered HTTP %s", response.status_code)
        raise EngineUnavailable("对话引擎拒绝了恢复请求，请稍后再试")
    logger.info("handoff released sender=%s", sender_id[:8])
