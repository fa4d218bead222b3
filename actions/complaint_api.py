"""The complaint flow's named calls (triage, filing, lookup) over the one app client; status codes kept."""

from __future__ import annotations

from typing import Any

from actions.app_client import AppClient, AppReply, AppUnavailable
from actions.settings import ActionSettings

# the flows' older names for the client's types: one contract, two names kept for the call sites
ComplaintAppDown = AppUnavailable
__all__ = ["AppReply", "ComplaintApi", "ComplaintAppDown"]


class ComplaintApi:
    """Relays the flow's requests; the app decides routing, urgency, tickets and PINs."""

    def __init__(self, settings: ActionSettings | None = None) -> None:
        self.client = AppClient(settings)
        self.settings = self.client.settings

    async def triage(self, text: str) -> dict[str, Any] | None:
        """Departments, urgency and facts for a complaint text; None if triage is unavailable."""
        try:
            reply = await self.client.call("/api/internal/triage", {"text": text})
        except AppUnavailable:
            return None
        return reply.body if reply.status == 200 and reply.body.get("urgency") else None

    async def file(self, payload: dict[str, Any], *, idempotency_key: str) -> AppReply:
        """File a complaint or a 留言; the same key on a retry returns the original case."""
        return await self.client.call(
            "/api/internal/complaints", payload, headers={"Idempotency-Key": idempotency_key}
        )

    async def lookup(self, *, ticket: str, verifier: str, sender_id: str | None = None) -> AppReply:
        """Status lookup (404 for unknown ticket or wrong verifier alike, 429 when limited).

        The chat user is named so the app limits each user, not the action server's address.
        """
        headers = {"X-End-User": sender_id[:128]} if sender_id else None
        return await self.client.call(
            "/api/internal/complaints/lookup",
            {"ticket": ticket, "verifier": verifier},
            headers=headers,
        )
