"""Hand-off to staff: the offer (hotline + 留言), and releasing a paused conversation back to the bot.

Design: the pause lives in the engine as the conversation's `handoff_active` slot (set by the action
server). Staff release a conversation by appending SlotSet events to its Rasa tracker through Rasa's HTTP
API (`--enable-api`, bound to 127.0.0.1), so the engine sees the release on the very next message with no
polling and no extra table. The user can also resume by saying 「继续问机器人」.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import httpx

from api.chat.schemas import Button
from api.config import Settings
from api.errors import EngineUnavailable
from api.guides.schemas import HandoffReply

logger = logging.getLogger(__name__)

RELEASE_EVENTS = [
    {"event": "slot", "name": "handoff_active", "value": False},
    {"event": "slot", "name": "handoff_stage", "value": None},
    {"event": "slot", "name": "misunderstandings", "value": 0},
]


def offer(*, settings: Settings, reason: str = "asked") -> HandoffReply:
    """Hotline from settings, and an invitation to leave a message for the staff queue."""
    opening = (
        "抱歉，我好像没能理解您的问题，为您转人工。"
        if reason == "misunderstood"
        else "好的，为您转人工。"
    )
    text = (
        f"{opening}您可以拨打{settings.hotline_name}（{settings.hotline}）；也可以直接在这里留言，"
        "写清楚您的问题，方便的话留个手机号，工作人员看到后会联系您。不需要留言请点「不用留言」。"
    )
    buttons = [
        Button(title="不用留言", payload="/deny"),
        Button(title="继续问机器人", payload="/continue_bot"),
    ]
    return HandoffReply(text=text, buttons=buttons, hotline=settings.hotline)


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
