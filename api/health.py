"""GET /api/health: app, engine and action server status."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter

from api.deps import EngineDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(engine: EngineDep) -> dict[str, str]:
    """Report each process; `status` is ok only when all three are up."""
    engine_ok, actions_ok = await asyncio.gather(engine.engine_ok(), engine.actions_ok())
    status = "ok" if engine_ok and actions_ok else "degraded"
    return {
        "status": status,
        "app": "ok",
        "engine": "ok" if engine_ok else "down",
        "actions": "ok" if actions_ok else "down",
    }
