"""The app: FastAPI application factory and the ASGI `app` uvicorn serves."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.auth.routes import admin_router as auth_admin_router
from api.auth.routes import router as auth_router
from api.auth.startup import bootstrap_admin
from api.chat.engine import EngineClient
from api.chat.routes import router as chat_router
from api.complaints.routes import router as complaints_router
from api.config import get_settings
from api.console.routes import router as console_router
from api.errors import install_error_handlers
from api.guides.routes import router as guides_router
from api.health import router as health_router
from api.kb.routes import internal_router as kb_internal_router
from api.kb.routes import router as kb_router
from api.staff.routes import router as staff_router
from api.triage.routes import router as triage_router
from api.wechat.routes import router as wechat_router

STATIC = Path(__file__).parent / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the shared clients on start, close them on stop."""
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app.state.engine = EngineClient(settings)
    bootstrap_admin(settings)
    yield
    await app.state.engine.aclose()


def create_app() -> FastAPI:
    """Build the app with every router; no I/O happens here."""
    app = FastAPI(
        title="托育助手 API",
        version="0.1.0",
        lifespan=lifespan,
        description="攀枝花市仁和区 3 岁以下婴幼儿照护政策助手：聊天、知识库、投诉、分派。",
    )
    install_error_handlers(app)
    for router in (
        health_router,
        chat_router,
        kb_router,
        kb_internal_router,
        complaints_router,
        console_router,
        auth_router,
        auth_admin_router,
        staff_router,
        triage_router,
        wechat_router,
        guides_router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


app = create_app()
