"""The two ASGI apps: the public `app` (APP_HOST:APP_PORT) and the `internal_app` (127.0.0.1:INTERNAL_PORT).

The public app serves the web chat, knowledge search, the status lookup, WeChat and the staff
console; it has no route that takes the service token. The internal app serves the action server:
/api/internal/*, complaint filing and full read, triage and the lookup, all behind the service
token. `python -m api.serve` runs both (see there for why in one process).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import logmask
from api.auth.routes import admin_router as auth_admin_router
from api.auth.routes import router as auth_router
from api.auth.startup import bootstrap_admin
from api.chat import page as chat_page
from api.chat.routes import router as chat_router
from api.complaints.routes import actions_router as complaints_actions_router
from api.complaints.routes import internal_router as complaints_internal_router
from api.complaints.routes import router as complaints_router
from api.config import get_settings
from api.console.routes import router as console_router
from api.deps import ServiceAuth
from api.engine import EngineClient
from api.errors import install_error_handlers
from api.guides.routes import router as guides_internal_router
from api.health import router as health_router
from api.kb.routes import admin_router as kb_admin_router
from api.kb.routes import internal_router as kb_internal_router
from api.kb.routes import router as kb_router
from api.staff.routes import router as staff_router
from api.triage.routes import actions_router as triage_actions_router
from api.triage.routes import internal_router as triage_internal_router
from api.triage.routes import router as triage_router
from api.wechat.routes import router as wechat_router
from knowledge import workdays
from knowledge.clock import today
from knowledge.complaint_opener import model as opener_model
from knowledge.decide import warm as warm_answers
from knowledge.embed import warm as warm_embedder
from knowledge.safety import model as safety_model
from knowledge.triage.model import model as triage_model


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the shared clients on start, close them on stop; refuses to start without secrets."""
    settings = get_settings()
    _configure_logging(settings.log_level)
    app.state.engine = EngineClient(settings)
    bootstrap_admin(settings)
    _warn_missing_holidays()
    # the emergency detector is loaded (or fitted, once) before the first message
    await asyncio.to_thread(safety_model)
    # the complaint form's opener model (embeddings cached in var/cache/) is fitted before the first answer
    await asyncio.to_thread(opener_model)
    # the department model built by `make train` (var/cache, by content hash) is loaded before the first case
    await asyncio.to_thread(triage_model)
    # the answer decision (hybrid retrieval + trained model) is loaded, or fitted once, likewise
    await asyncio.to_thread(warm_answers)
    # both embedder handles (the message's and the read-ahead's) are loaded before the first message
    await asyncio.to_thread(warm_embedder)
    yield
    await app.state.engine.aclose()


@asynccontextmanager
async def internal_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The internal listener's own engine client (hand-off release talks to the engine)."""
    settings = get_settings()
    _configure_logging(settings.log_level)
    app.state.engine = EngineClient(settings)
    yield
    await app.state.engine.aclose()


def _configure_logging(level: str) -> None:
    """One log format, PII masked; httpx request lines stay off because engine API URLs carry ?token=."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logmask.install()  # personal data masked in every line, uvicorn's access log included


def _warn_missing_holidays() -> None:
    """Deadlines in a year without holiday data count weekends only: tell the operators at start-up."""
    missing = workdays.missing_years(today())
    if missing:
        logging.getLogger("api.calendar").warning(
            "no holiday/调休 data for %s: working-day deadlines there count weekends only and are marked "
            "provisional; add the State Council schedule to knowledge/data/holidays.yml",
            ", ".join(map(str, missing)),
        )


def create_app() -> FastAPI:
    """Build the public app (public and staff routes only); no I/O happens here."""
    app = FastAPIOffline(  # /docs and /redoc with the package's Swagger UI/ReDoc assets, no CDN
        favicon_url="/static/favicon.svg",
        title="托育助手 API",
        version="0.1.0",
        lifespan=lifespan,
        description="攀枝花市仁和区 3 岁以下婴幼儿照护政策助手：聊天、知识库、投诉查询、工作台。",
    )
    install_error_handlers(app)
    for router in (
        health_router,
        chat_router,
        kb_router,
        kb_admin_router,
        complaints_router,
        console_router,
        auth_router,
        auth_admin_router,
        staff_router,
        triage_router,
        wechat_router,
    ):
        app.include_router(router)
    app.include_router(chat_page.router)
    app.mount("/static", chat_page.static_files(), name="static")
    return app


def create_internal_app() -> FastAPI:
    """Build the internal app: what the action server calls, every route behind the service token."""
    app = FastAPI(
        title="托育助手 internal API",
        version="0.1.0",
        lifespan=internal_lifespan,
        description="动作服务器专用（仅 127.0.0.1）：回答、引导、投诉提交与分派。",
    )
    install_error_handlers(app)
    for router in (
        kb_internal_router,
        guides_internal_router,
        complaints_internal_router,
        triage_internal_router,
        complaints_actions_router,
        triage_actions_router,
    ):
        app.include_router(router, dependencies=[ServiceAuth])  # no anonymous route here
    return app


app = create_app()
internal_app = create_internal_app()
