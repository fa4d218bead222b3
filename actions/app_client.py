"""Async HTTP client of the app's internal API, with bounded retries."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from actions.settings import ActionSettings, get_settings

logger = logging.getLogger(__name__)


class AppUnavailable(Exception):
    """The app could not be reached or answered with a server error."""


class AppClient:
    """Calls the app; the app owns every decision, the action only relays."""

    def __init__(self, settings: ActionSettings | None = None) -> None:
        self.settings = settings or get_settings()

    async def post(
        self, path: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """POST JSON and return the JSON body; retries transport errors and 5xx."""
        url = f"{self.settings.app_url}{path}"
        all_headers = {"Authorization": f"Bearer {self.settings.service_token}", **(headers or {})}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        last_error: Exception | None = None
        for attempt in range(self.settings.retries + 1):
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.post(url, json=payload, headers=all_headers) as response,
                ):
                    if response.status >= 500:
                        raise AppUnavailable(f"{path} answered {response.status}")
                    if response.status >= 400:
                        detail = await response.text()
                        raise AppUnavailable(
                            f"{path} refused the request ({response.status}): {detail[:200]}"
                        )
                    return await response.json()
            except (aiohttp.ClientError, asyncio.TimeoutError, AppUnavailable) as error:
                last_error = error
                logger.warning(
                    "app call %s failed (attempt %d): %s", path, attempt + 1, type(error).__name__
                )
                if attempt < self.settings.retries:
                    await asyncio.sleep(0.3 * (attempt + 1))
        raise AppUnavailable(str(last_error))
