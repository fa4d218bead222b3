"""Shared FastAPI dependencies (settings, engine client, service-token auth)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from api.config import Settings, get_settings
from api.engine import EngineClient
from api.errors import Unauthorized

SettingsDep = Annotated[Settings, Depends(get_settings)]
# who the service token is: the action server (the only holder), written into events and audit
SERVICE_ACTOR = "service:actions"


def get_engine(request: Request) -> EngineClient:
    """The app-wide engine client created in the lifespan."""
    return request.app.state.engine


EngineDep = Annotated[EngineClient, Depends(get_engine)]


def require_service_token(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """Internal endpoints (action server, on the internal listener) take the shared service token."""
    expected = f"Bearer {settings.service_token}"
    if not authorization or not hmac.compare_digest(authorization.encode(), expected.encode()):
        raise Unauthorized("需要服务令牌（Authorization: Bearer …）")
    return SERVICE_ACTOR


ServiceAuth = Depends(require_service_token)
