"""The one place the action server reads its environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# written by `make run`/`make test` (api/secretfile.py); env vars override it, production ignores it
SECRETS_FILE = Path(__file__).resolve().parent.parent / "var" / "secrets.env"


@dataclass(frozen=True)
class ActionSettings:
    """Where the app is and how to authenticate to it."""

    app_url: str
    service_token: str
    timeout_s: float
    retries: int
    hotline: str


def _generated(name: str) -> str:
    """One value of the generated secrets file ('' when absent)."""
    if not SECRETS_FILE.exists():
        return ""
    for line in SECRETS_FILE.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.strip() == name:
            return value.strip()
    return ""


def service_token() -> str:
    """SERVICE_TOKEN from the environment, else (outside production) from var/secrets.env."""
    token = os.environ.get("SERVICE_TOKEN", "")
    production = os.environ.get("APP_ENV", "").strip().lower() == "production"
    if not token and not production:
        token = _generated("SERVICE_TOKEN")
    if not token:
        where = "set it in the environment" if production else "run `make run` to generate it"
        raise RuntimeError(f"SERVICE_TOKEN is missing: {where}")
    return token


def hotline() -> str:
    """The hotline families are told to call (no secret needed to read it)."""
    return os.environ.get("HOTLINE", "12345")


def get_settings() -> ActionSettings:
    """Read env vars at call time (no I/O at import); the app's internal listener by default."""
    internal = f"http://127.0.0.1:{os.environ.get('INTERNAL_PORT', '8001')}"
    return ActionSettings(
        app_url=os.environ.get("APP_INTERNAL_URL", internal).rstrip("/"),
        service_token=service_token(),
        timeout_s=float(os.environ.get("ACTION_APP_TIMEOUT_S", "5")),
        retries=int(os.environ.get("ACTION_APP_RETRIES", "2")),
        hotline=hotline(),
    )
