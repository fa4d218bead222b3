"""The one place the action server reads its environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSettings:
    """Where the app is and how to authenticate to it."""

    app_url: str
    service_token: str
    timeout_s: float
    retries: int
    hotline: str


def get_settings() -> ActionSettings:
    """Read env vars at call time (no I/O at import), defaults match the app's."""
    return ActionSettings(
        app_url=os.environ.get("APP_INTERNAL_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=os.environ.get("SERVICE_TOKEN", "dev-service-token-change-me"),
        timeout_s=float(os.environ.get("ACTION_APP_TIMEOUT_S", "5")),
        retries=int(os.environ.get("ACTION_APP_RETRIES", "2")),
        hotline=os.environ.get("HOTLINE", "12345"),
    )
