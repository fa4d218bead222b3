"""Where a late answer goes: the customer-service message API, or kept for the user's next message."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Protocol

from api.config import Settings
from api.wechat.config import LATER_TTL_S, can_push, key, mask
from api.wechat.store import Store

logger = logging.getLogger(__name__)


class CustomerServiceSender(Protocol):
    """Sends one text message to a user outside the passive reply (客服消息)."""

    async def send_text(self, openid: str, text: str) -> None: ...


class WeChatClientSender:
    """The real 客服消息 API via wechatpy; the access token is cached in Redis when REDIS_URL is set."""

    def __init__(self, settings: Settings) -> None:
        from wechatpy.client import WeChatClient

        session = None
        if settings.redis_url:
            import redis
            from wechatpy.session.redisstorage import RedisStorage

            session = RedisStorage(
                redis.Redis.from_url(settings.redis_url), prefix="tuoyu:wx:token"
            )
        self._client = WeChatClient(
            settings.wechat_appid, settings.wechat_appsecret, session=session, timeout=5
        )

    async def send_text(self, openid: str, text: str) -> None:
        """Blocking HTTP call, so it runs in a worker thread."""
        await asyncio.to_thread(self._client.message.send_text, openid, text)
        logger.info("wechat: customer-service message sent to %s", mask(openid))


class NextMessageSender:
    """Without an AppSecret nothing can be pushed: the answer waits for the user's next message."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def send_text(self, openid: str, text: str) -> None:
        """Append to what is already waiting (a late answer may arrive in several parts)."""
        waiting = await self._store.get(key("later", openid))
        combined = f"{waiting}\n\n{text}" if waiting else text
        await self._store.put(key("later", openid), combined, LATER_TTL_S)
        logger.info("wechat: late answer kept for the next message of %s", mask(openid))


class RecordingSender:
    """In-process sender that records what would have been sent (tests, local runs without internet)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self._changed = threading.Condition()

    async def send_text(self, openid: str, text: str) -> None:
        with self._changed:
            self.sent.append((openid, text))
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[tuple[str, str]]:
        """Block (from another thread) until `count` messages were sent or the timeout passes."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.sent) >= count, timeout=timeout)
            return list(self.sent)


def make_sender(settings: Settings, store: Store) -> CustomerServiceSender:
    """The 客服消息 API when AppID and AppSecret are set, else keep late answers for the next message."""
    return WeChatClientSender(settings) if can_push(settings) else NextMessageSender(store)
