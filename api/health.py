"""GET /api/health: app, engine and action server status, and the shared stores they depend on."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter

from api.config import ROOT, Settings
from api.deps import EngineDep, SettingsDep

router = APIRouter(prefix="/api", tags=["health"])
PING_TIMEOUT_S = 1.0
_ENV_VAR = re.compile(r"\$\{([^}]+)\}")


async def redis_problem(url: str) -> str | None:
    """None if Redis at `url` answers PING, else why not (never the URL: it may hold a password)."""
    import redis.asyncio as aioredis

    client = aioredis.from_url(
        url, socket_connect_timeout=PING_TIMEOUT_S, socket_timeout=PING_TIMEOUT_S
    )
    try:
        await asyncio.wait_for(client.ping(), PING_TIMEOUT_S * 2)
    except (OSError, TimeoutError, aioredis.RedisError) as exc:
        return type(exc).__name__
    finally:
        await client.aclose()
    return None


def _expand(value: Any) -> str:
    """Rasa's ${VAR} substitution; a missing variable raises KeyError with its name."""
    return _ENV_VAR.sub(lambda m: os.environ[m.group(1)], str(value))


def lock_store_url(settings: Settings) -> str | None:
    """redis:// URL of the engine's lock store when its endpoints file uses Redis, else None.

    Raises ValueError (with the reason) when the file says Redis but cannot be resolved.
    """
    path = Path(settings.engine_endpoints)
    path = path if path.is_absolute() else ROOT / path
    try:
        endpoints = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"engine endpoints file unreadable: {type(exc).__name__}") from exc
    lock = endpoints.get("lock_store") or {}
    if str(lock.get("type", "")).lower() != "redis":
        return None
    try:
        host = _expand(lock.get("url", "localhost"))
        port = _expand(lock.get("port", 6379)) or "6379"
        db = _expand(lock.get("db", 1)) or "1"
        password = _expand(lock.get("password", "")) if lock.get("password") else ""
    except KeyError as exc:
        raise ValueError(f"lock store setting {exc.args[0]} is not set") from exc
    scheme = "rediss" if lock.get("use_ssl") else "redis"
    auth = f":{password}@" if password else ""
    return f"{scheme}://{auth}{host}:{port}/{db}"


async def _store_checks(settings: Settings) -> tuple[dict[str, str], list[str]]:
    """Status of Redis (REDIS_URL) and of the engine's lock store, when they are configured."""
    out: dict[str, str] = {}
    why: list[str] = []
    if settings.redis_url:
        problem = await redis_problem(settings.redis_url)
        out["redis"] = "down" if problem else "ok"
        if problem:
            why.append(
                f"Redis (REDIS_URL) unreachable: {problem}; WeChat state and rate limits are per process"
            )
    try:
        lock_url = lock_store_url(settings)
    except ValueError as exc:
        out["lock_store"] = "down"
        why.append(str(exc))
        return out, why
    if lock_url:
        problem = await redis_problem(lock_url)
        out["lock_store"] = "down" if problem else "ok"
        if problem:
            why.append(
                f"engine lock store (Redis) unreachable: {problem}; the engine cannot answer"
            )
    return out, why


@router.get("/health")
async def health(engine: EngineDep, settings: SettingsDep) -> dict[str, Any]:
    """Report each process and store; `status` is ok only when everything configured is up."""
    (engine_ok, actions_ok), (stores, why) = await asyncio.gather(
        asyncio.gather(engine.engine_ok(), engine.actions_ok()), _store_checks(settings)
    )
    engine.watch.observe(engine_ok and actions_ok, reason="seen down by the health check")
    lost = [
        *([] if engine_ok else ["engine (Rasa) not answering"]),
        *([] if actions_ok else ["action server not answering"]),
    ]
    if lost:
        lost.append(
            "chat answers policy questions from the knowledge base only; forms and filing wait"
        )
    why[:0] = lost
    body: dict[str, Any] = {
        "status": "degraded" if why else "ok",
        "app": "ok",
        "engine": "ok" if engine_ok else "down",
        "actions": "ok" if actions_ok else "down",
        "chat": engine.watch.mode,
        **stores,
    }
    if why:
        body["why"] = why
    return body
