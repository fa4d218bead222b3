"""The action server's one HTTP client of the app: /api/internal only, the service token, one kept session.

Every action reaches the app through `AppClient`: `call` returns the status and body (4xx kept, so a flow can
tell "not found" from "down"), `post` returns the body of a success. Transport errors and 5xx are retried a
bounded number of times, then `AppUnavailable` is raised. One aiohttp session is kept per event loop (the
action server runs one loop for its whole life), so connections are reused instead of opened per call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from actions.settings import ActionSettings, get_settings

logger = logging.getLogger(__name__)

INTERNAL_PREFIX = "/api/internal/"


class AppUnavailable(Exception):
    """The app could not be reached, kept failing with a server error, or refused a call that must succeed."""


@dataclass(frozen=True)
class AppReply:
    """HTTP status and JSON body (empty dict if the body was not a JSON object)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """2xx."""
        return 200 <= self.status < 300


@dataclass
class _Kept:
    """The session kept for one event loop."""

    loop: asyncio.AbstractEventLoop | None = None
    session: aiohttp.ClientSession | None = None


_KEPT = _Kept()


def _session() -> aiohttp.ClientSession:
    """The process's session for the running loop (a new loop, e.g. in tests, gets a new one)."""
    loop = asyncio.get_running_loop()
    if _KEPT.session is None or _KEPT.session.closed or _KEPT.loop is not loop:
        _KEPT.session = aiohttp.ClientSession()
        _KEPT.loop = loop
    return _KEPT.session


async def close_session() -> None:
    """Close the kept session (tests, shutdown); the next call opens a new one."""
    if _KEPT.session is not None and not _KEPT.session.closed:
        await _KEPT.session.close()
    _KEPT.session = None
    _KEPT.loop = None


class AppClient:
    """Calls the app; the app owns every decision, the action only relays."""

    def __init__(self, settings: ActionSettings | None = None) -> None:
        self.settings = settings or get_settings()

    async def call(
        self, path: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> AppReply:
        """POST JSON to an /api/internal path; transport errors and 5xx are retried, 4xx returned as is."""
        if not path.startswith(INTERNAL_PREFIX):
            raise ValueError(f"the action server only calls {INTERNAL_PREFIX}*: {path}")
        url = f"{self.settings.app_url}{path}"
        all_headers = {"Authorization": f"Bearer {self.settings.service_token}", **(headers or {})}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        last = ""
        for attempt in range(self.settings.retries + 1):
            try:
                async with _session().post(
                    url, json=payload, headers=all_headers, timeout=timeout
                ) as response:
                    if response.status < 500:
                        try:
                            body = await response.json(content_type=None)
                        except ValueError:
                            body = {}
                        return AppReply(response.status, body if isinstance(body, dict) else {})
                    last = f"HTTP {response.status}"
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                last = type(error).__name__
            logger.warning("app call %s failed (attempt %d): %s", path, attempt + 1, last)
            if attempt < self.settings.retries:
                await asyncio.sleep(0.3 * (attempt + 1))
        raise AppUnavailable(f"{path}: {last}")

    async def post(
        self, path: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The body of a successful call; AppUnavailable when the app is down or refuses (4xx)."""
        reply = await self.call(path, payload, headers=headers)
        if not reply.ok:
            detail = str(reply.body.get("detail") or "")[:200]
            raise AppUnavailable(f"{path} refused the request ({reply.status}): {detail}")
        return reply.body
