"""HTTP client of the conversation engine (Rasa REST channel) and the action server."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from api.config import Settings
from api.errors import EngineUnavailable
from knowledge.embed import recent
from knowledge.text import normalize

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlowState:
    """Where a conversation is: the active form (if any) and whether a person has taken over."""

    form: str | None
    handoff: bool
    requested_slot: str | None = None

    @property
    def busy(self) -> bool:
        return bool(self.form) or self.handoff

    @property
    def asks_for_account(self) -> bool:
        """The complaint form is asking what happened: any account, dangerous or not, is the answer."""
        return self.form == "complaint_form" and self.requested_slot == "complaint_text"


# The metadata key the engine's intent classifier reads (bot/components/intent_classifier.GIVEN_VECTOR).
GIVEN_VECTOR = "e5_query"


def given_vector(text: str) -> dict[str, Any]:
    """The message's e5 vector the emergency check already computed, for the engine to reuse, or nothing.

    The engine uses it only when `text` is exactly the text its own pipeline embeds, so the intent it reads
    is unchanged; it saves one embedding (the largest single cost of a turn) and is dropped before the
    message is stored."""
    norm = normalize(text)
    vector = recent(norm)
    if vector is None:
        return {}
    packed = base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
    return {GIVEN_VECTOR: {"text": norm, "e5": packed}}


MODE_FULL = "engine"
MODE_KB = "knowledge_base_only"


class Watch:
    """Whether the engine (with its action server) can take a turn; re-probed only while it cannot.

    While it can, nothing is probed per message: a turn that fails marks it down. While it is down,
    the chat answers from the knowledge base (api.chat.degraded) and the next message after
    `every_s` (ENGINE_PROBE_S, 3 s: two local GETs, cheap) probes again, so the engine takes over without
    a restart; it also bounds how long forms stay unavailable after the engine is back.
    """

    def __init__(
        self,
        probe: Callable[[], Awaitable[bool]],
        *,
        every_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self._every = every_s
        self._clock = clock
        self._lock = asyncio.Lock()
        self.ok = True  # optimistic at start: the first turn tells, and costs no probe
        self.reason: str | None = None
        self._checked = float("-inf")

    @property
    def mode(self) -> str:
        """What /api/health reports as `chat`."""
        return MODE_FULL if self.ok else MODE_KB

    async def usable(self) -> bool:
        """True when the engine should be asked; while down, probes at most once per interval."""
        if self.ok or self._clock() - self._checked < self._every:
            return self.ok
        async with self._lock:  # one probe for a burst of messages
            if not self.ok and self._clock() - self._checked >= self._every:
                self.observe(await self._probe())
        return self.ok

    def observe(self, ok: bool, *, reason: str = "engine or action server not answering") -> None:
        """A failed turn's, a probe's or the health check's verdict."""
        if ok and not self.ok:
            logger.info("chat: engine and action server are back; full conversations again")
        elif not ok and self.ok:
            logger.warning("chat: %s; answering from the knowledge base only", reason)
        self.ok, self._checked = ok, self._clock()
        self.reason = None if ok else reason


class EngineClient:
    """Talks to Rasa on 127.0.0.1; every call is bounded by the engine timeout."""

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(settings.engine_timeout_s, connect=1.5)
        )
        self.watch = Watch(self.ready, every_s=settings.engine_probe_s)

    async def aclose(self) -> None:
        """Release pooled connections."""
        await self._client.aclose()

    async def send(
        self, *, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send one user message and return Rasa's raw bot messages.

        The REST channel webhook is not behind Rasa's --auth-token (only the HTTP API is), so no
        token is sent here; the engine listens on 127.0.0.1 only."""
        url = f"{self.settings.rasa_url}/webhooks/rest/webhook"
        metadata = {**(metadata or {}), **given_vector(text)}
        try:
            response = await self._client.post(
                url, json={"sender": sender_id, "message": text, "metadata": metadata}
            )
        except httpx.HTTPError as error:
            logger.warning("engine unreachable: %s", type(error).__name__)
            raise EngineUnavailable("engine (Rasa) not answering") from error
        if response.status_code >= 400:
            logger.warning("engine answered HTTP %s", response.status_code)
            raise EngineUnavailable(f"engine answered HTTP {response.status_code}")
        body = response.json()
        return body if isinstance(body, list) else []

    async def flow_state(self, *, sender_id: str) -> FlowState | None:
        """Whether the conversation is inside a form or paused for a person; None if unknown."""
        url = f"{self.settings.rasa_url}/conversations/{quote(sender_id, safe='')}/tracker"
        try:
            response = await self._client.get(
                url,
                params={"include_events": "NONE", "token": self.settings.rasa_token},
                timeout=2.0,
            )
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        body = response.json()
        loop = (body.get("active_loop") or {}).get("name")
        slots = body.get("slots") or {}
        return FlowState(
            form=loop or None,
            handoff=bool(slots.get("handoff_active")),
            requested_slot=slots.get("requested_slot"),
        )

    async def intent(self, *, text: str) -> str | None:
        """The engine's NLU reading of a text, without touching any conversation; None if unknown."""
        url = f"{self.settings.rasa_url}/model/parse"
        try:
            response = await self._client.post(
                url, params={"token": self.settings.rasa_token}, json={"text": text}, timeout=2.0
            )
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        return (response.json().get("intent") or {}).get("name")

    async def _ok(self, url: str, params: dict[str, str] | None = None) -> bool:
        try:
            response = await self._client.get(url, params=params, timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def engine_ok(self) -> bool:
        """Rasa is up and has a model loaded (/status is on Rasa's token-protected HTTP API)."""
        return await self._ok(
            f"{self.settings.rasa_url}/status", params={"token": self.settings.rasa_token}
        )

    async def actions_ok(self) -> bool:
        """The action server answers its health check."""
        return await self._ok(f"{self.settings.action_url}/health")

    async def ready(self) -> bool:
        """Both answer: a turn can go through the engine."""
        engine_ok, actions_ok = await asyncio.gather(self.engine_ok(), self.actions_ok())
        return engine_ok and actions_ok
