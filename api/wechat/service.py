"""One WeChat push in, one passive reply out: dedup, the engine under a time budget, late delivery."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from wechatpy.replies import create_reply

from api.chat.service import converse, unavailable_text
from api.config import Settings
from api.engine import EngineClient
from api.errors import EngineUnavailable
from api.wechat import texts
from api.wechat.codec import Codec
from api.wechat.config import (
    CS_LIMIT_BYTES,
    DEDUP_TTL_S,
    MAX_ENGINE_TEXT,
    MORE_TTL_S,
    OPTIONS_TTL_S,
    PASSIVE_LIMIT_BYTES,
    key,
    mask,
    missing_settings,
    sender_id,
)
from api.wechat.render import Rendered, option_number, render, split, utf8_len
from api.wechat.sender import CustomerServiceSender, make_sender
from api.wechat.store import Store, make_store

logger = logging.getLogger(__name__)

PENDING = "\x00pending"  # dedup value while the first delivery of a push is being answered
EMPTY = "success"  # what WeChat expects when there is nothing to say
_MORE_SUFFIX = f"\n\n{texts.MORE_HINT}"


def dedup_id(message: Any) -> str:
    """MsgId for messages; FromUserName+CreateTime(+Event) for events, which have no MsgId."""
    if message.id:
        return str(message.id)
    return f"{message.source}:{message.time}:{getattr(message, 'event', '')}"


class WeChatChannel:
    """State and behaviour of the 公众号 channel; one per app, built at startup."""

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        sender: CustomerServiceSender,
        doc_names: dict[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.sender = sender
        self.missing = missing_settings(settings)
        self.codec = Codec(settings) if not self.missing else None
        self.budget = settings.wechat_reply_budget_s
        self.doc_names = doc_names or {}
        self._late: set[asyncio.Task[None]] = set()

    async def respond(self, message: Any, *, engine: EngineClient) -> str:
        """Plaintext reply XML (or "success"); a retried push gets the first delivery's reply."""
        dedup = key("msg", dedup_id(message))
        if not await self.store.claim(dedup, PENDING, DEDUP_TTL_S):
            logger.info("wechat: retry of %s from %s", dedup_id(message), mask(message.source))
            return await self._replay(dedup)
        try:
            text = await self._reply_text(message, engine)
        except Exception as error:  # never leave WeChat without an answer
            logger.error("wechat: failed to answer %s: %s", message.type, type(error).__name__)
            text = unavailable_text(self.settings)
        reply = create_reply(text, message=message, render=True) if text else EMPTY
        await self.store.put(dedup, reply, DEDUP_TTL_S)
        return reply

    async def _replay(self, dedup: str) -> str:
        """Wait for the first delivery's reply (up to the budget), then return the same XML."""
        deadline = time.monotonic() + self.budget + 1.0
        while True:
            cached = await self.store.get(dedup)
            if cached is None:
                return EMPTY
            if cached != PENDING:
                return cached
            if time.monotonic() >= deadline:
                return EMPTY
            await asyncio.sleep(0.05)

    async def _reply_text(self, message: Any, engine: EngineClient) -> str | None:
        """What to say to this push, by message type."""
        openid = message.source or ""
        kind = message.type
        logger.info(
            "wechat: %s from %s",
            kind if kind != "event" else f"event {message.event}",
            mask(openid),
        )
        if kind == "text":
            return await self._answer(openid, message.content or "", engine)
        if kind == "voice":
            heard = (message.recognition or "").strip()
            return await self._answer(openid, heard, engine) if heard else texts.NOT_HEARD
        if kind == "event":
            if message.event in ("subscribe", "subscribe_scan"):
                return texts.welcome(self.settings)
            return None  # unsubscribe, menu views, template receipts: nothing to say
        return texts.unsupported(str(message._data.get("MsgType", kind)).lower())

    async def _answer(self, openid: str, text: str, engine: EngineClient) -> str:
        """Ask the engine; past the budget say "please wait" and deliver the answer later."""
        later = await self.store.pop(key("later", openid))
        head = f"{texts.LATER_PREFIX}\n{later}" if later else ""
        if text.strip().lower() in texts.MORE_WORDS:
            return await self._more(openid, head)
        if not text.strip():
            return await self._passive(openid, _join(head, texts.NOT_HEARD))
        asked = await self._selected(openid, text) or text
        task = asyncio.create_task(self._converse(engine, openid, asked))
        done, _ = await asyncio.wait({task}, timeout=self.budget)
        if not done:
            logger.info(
                "wechat: engine slower than %.1fs for %s; answering later",
                self.budget,
                mask(openid),
            )
            self._track(self._deliver_late(openid, task))
            return await self._passive(openid, _join(head, texts.HOLDING))
        rendered = task.result()
        await self._remember(openid, rendered.payloads)
        return await self._passive(openid, _join(head, rendered.text))

    async def _selected(self, openid: str, text: str) -> str | None:
        """The payload of the numbered option the user picked, if the reply is such a number."""
        number = option_number(text)
        if number is None:
            return None
        raw = await self.store.get(key("opts", openid))
        payloads = json.loads(raw) if raw else []
        return payloads[number - 1] if 1 <= number <= len(payloads) else None

    async def _remember(self, openid: str, payloads: list[str]) -> None:
        """Keep this turn's options selectable by number; a turn without options clears old ones."""
        if payloads:
            await self.store.put(
                key("opts", openid), json.dumps(payloads, ensure_ascii=False), OPTIONS_TTL_S
            )
        else:
            await self.store.delete(key("opts", openid))

    async def _converse(self, engine: EngineClient, openid: str, text: str) -> Rendered:
        """The engine's turn rendered for WeChat; an unavailable engine becomes its apology."""
        try:
            response = await converse(
                engine=engine,
                settings=self.settings,
                sender_id=sender_id(openid),
                text=text[:MAX_ENGINE_TEXT],
                channel="wechat",
            )
        except EngineUnavailable as error:
            return Rendered(text=error.detail)
        return render(response, doc_names=self.doc_names)

    async def _passive(self, openid: str, text: str) -> str:
        """First part as the passive reply; the rest waits for 「更多」."""
        parts = split(text, PASSIVE_LIMIT_BYTES - utf8_len(_MORE_SUFFIX))
        if len(parts) == 1:
            await self.store.delete(key("more", openid))
            return parts[0]
        await self.store.put(
            key("more", openid), json.dumps(parts[1:], ensure_ascii=False), MORE_TTL_S
        )
        return parts[0] + _MORE_SUFFIX

    async def _more(self, openid: str, head: str) -> str:
        """The next stored part of a long answer."""
        raw = await self.store.pop(key("more", openid))
        parts: list[str] = json.loads(raw) if raw else []
        if not parts:
            return await self._passive(openid, _join(head, texts.NO_MORE))
        if head:  # a late answer and more parts at once: show both, in order
            return await self._passive(openid, "\n\n".join([head, *parts]))
        if len(parts) > 1:
            await self.store.put(
                key("more", openid), json.dumps(parts[1:], ensure_ascii=False), MORE_TTL_S
            )
            return parts[0] + _MORE_SUFFIX
        return parts[0]

    async def _deliver_late(self, openid: str, task: asyncio.Task[Rendered]) -> None:
        """Send the slow answer through the customer-service sender once the engine is done."""
        try:
            rendered = await task
        except Exception as error:
            logger.error("wechat: late answer failed: %s", type(error).__name__)
            rendered = Rendered(text=unavailable_text(self.settings))
        await self._remember(openid, rendered.payloads)
        for part in split(rendered.text, CS_LIMIT_BYTES):
            try:
                await self.sender.send_text(openid, part)
            except Exception as error:
                logger.warning(
                    "wechat: late answer to %s not delivered: %s",
                    mask(openid),
                    type(error).__name__,
                )
                return

    def _track(self, coro: Any) -> None:
        """Keep a reference to a background task so it is not garbage-collected mid-flight."""
        task = asyncio.create_task(coro)
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    async def aclose(self) -> None:
        """Let late answers finish (bounded), then release the store."""
        if self._late:
            await asyncio.wait(set(self._late), timeout=self.settings.engine_timeout_s)
            for task in self._late:
                task.cancel()
        await self.store.aclose()


def _join(head: str, body: str) -> str:
    return f"{head}\n\n{body}" if head else body


def build_channel(
    settings: Settings, *, store: Store | None = None, sender: CustomerServiceSender | None = None
) -> WeChatChannel:
    """The channel with its store (Redis or memory) and sender (客服消息 API or next-message)."""
    store = store or make_store(settings)
    return WeChatChannel(
        settings=settings,
        store=store,
        sender=sender or make_sender(settings, store),
        doc_names=_doc_names(),
    )


def _doc_names() -> dict[str, str]:
    """Document id → 文号 so citations read 「攀仁府办〔2020〕128号」 whatever form the engine sends."""
    try:
        from knowledge.loader import load_documents

        return {doc_id: doc.number for doc_id, doc in load_documents().items()}
    except Exception as error:  # citations still show the engine's own doc name
        logger.warning("wechat: document names unavailable: %s", type(error).__name__)
        return {}
