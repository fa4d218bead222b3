"""The complaint flow's calls to the app (/api/triage, /api/complaints): status codes kept, 5xx retried."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from actions.settings import ActionSettings, get_settings

logger = logging.getLogger(__name__)


class ComplaintAppDown(Exception):
    """The app could not be reached, or kept failing with a server error."""


@dataclass(frozen=True)
class AppReply:
    """HTTP status and JSON body (empty dict if the body was not JSON)."""

    status: int
    body: dict[str, Any]


class ComplaintApi:
    """Relays the flow's requests; the app decides routing, urgency, tickets and PINs."""

    def __init__(self, settings: ActionSettings | None = None) -> None:
        self.settings = settings or get_settings()

    async def _post(
        self, path: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> AppReply:
        """POST with the service token; transport errors and 5xx are retried, 4xx returned as is."""
        url = f"{self.settings.app_url}{path}"
        all_headers = {"Authorization": f"Bearer {self.settings.service_token}", **(headers or {})}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        last: str = ""
        for attempt in range(self.settings.retries + 1):
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.post(url, json=payload, headers=all_headers) as response,
                ):
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
        raise ComplaintAppDown(f"{path}: {last}")

    async def triage(self, text: str) -> dict[str, Any] | None:
        """Departments, urgency and facts for a complaint text; None if triage is unavailable."""
        try:
            reply = await self._post("/api/triage", {"text": text})
        except ComplaintAppDown:
            return None
        return reply.body if reply.status == 200 and reply.body.get("urgency") else None

    async def file(self, payload: dict[str, Any], *, idempotency_key: str) -> AppReply:
        """File the complaint; the same key on a retry returns the original case."""
        return await self._post(
            "/api/complaints", payload, headers={"Idempotency-Key": idempotency_key}
        )

    async def lookup(self, *, ticket: str, verifier: str, sender_id: str | None = None) -> AppReply:
        """Public status lookup (404 for unknown ticket or wrong verifier alike, 429 when limited).

        The chat user is named so the app limits each user, not the action server's address.
        """
        headers = {"X-End-User": sender_id[:128]} if sender_id else None
        return await self._post(
            "/api/complaints/lookup", {"ticket": ticket, "verifier": verifier}, headers=headers
        )
