"""Shared fixtures: settings override, migrated databases (SQLite and PostgreSQL), test clients.

Runtime-neutral at import: the engine venv (Python 3.10, no FastAPI, SQLAlchemy 1.4) also loads
this file, so app-runtime modules are imported inside the fixtures only.

Database fixtures are parametrised over both engines. PostgreSQL tests use a fresh schema per test
(search_path in the URL), dropped afterwards, so parallel runs never collide. When PostgreSQL is
unreachable the pg cases are skipped locally but fail under CI (CI=true).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from api.config import Settings

TEST_SERVICE_TOKEN = "test-service-token-0123456789"
TEST_JWT_SECRET = "test-jwt-secret-0123456789-0123456789"
TEST_RASA_TOKEN = "test-rasa-token-0123456789"
PG_BASE_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_configure(config: pytest.Config) -> None:
    """Like `make test`: the generated local secrets exist (processes started by tests read them)."""
    from api.secretfile import ensure_secrets

    ensure_secrets()


def create_test_app(*parts: APIRouter | FastAPI) -> FastAPI:
    """A bare FastAPI app mounting the given routers (independent of api/main.py)."""
    from fastapi import FastAPI

    app = FastAPI()
    for part in parts:
        if isinstance(part, FastAPI):
            app.mount("/", part)
        else:
            app.include_router(part)
    return app


def _pg_conninfo() -> str:
    """libpq conninfo for the admin connection derived from PG_BASE_URL."""
    from sqlalchemy.engine import make_url

    u = make_url(PG_BASE_URL)
    parts = [f"host={u.host or '127.0.0.1'}", f"port={u.port or 5432}", f"dbname={u.database}"]
    parts.append(f"user={u.username or 'postgres'}")
    if u.password:
        parts.append(f"password={u.password}")
    return " ".join(parts)


def _pg_admin() -> Any:
    """Autocommit psycopg connection for creating/dropping per-test schemas; skip/fail if down."""
    import psycopg

    try:
        return psycopg.connect(_pg_conninfo(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL required under CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE_URL}: {exc}")


@pytest.fixture
def settings_override(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Settings]]:
    """Factory: settings_override(database_url=..., service_token=...) sets env and reloads settings."""
    from api.config import get_settings
    from api.limits import reset_limiters

    def apply(**overrides: Any) -> Settings:
        for key, value in overrides.items():
            monkeypatch.setenv(key.upper(), str(value))
        get_settings.cache_clear()
        return get_settings()

    get_settings.cache_clear()
    reset_limiters()
    yield apply
    get_settings.cache_clear()
    reset_limiters()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """URL of an empty database (no migrations applied): tmp SQLite file, or a fresh PG schema."""
    from api.db import dispose_engines

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        dispose_engines()
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = _pg_admin()
    admin.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_BASE_URL else "?"
    try:
        yield f"{PG_BASE_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        dispose_engines()
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """URL of a database migrated to Alembic head."""
    from api.db import upgrade_db

    upgrade_db(empty_database_url)
    return empty_database_url


@pytest.fixture
def settings(settings_override: Callable[..., Settings], database_url: str) -> Settings:
    """Settings pointing at the migrated test database with known secrets."""
    return settings_override(
        database_url=database_url,
        service_token=TEST_SERVICE_TOKEN,
        jwt_secret=TEST_JWT_SECRET,
        rasa_token=TEST_RASA_TOKEN,
    )


@pytest.fixture
def db_session(settings: Settings) -> Iterator[Session]:
    """A session on the test database (the one the app under test uses)."""
    from api.db import get_sessionmaker

    with get_sessionmaker(settings.database_url)() as session:
        yield session


@pytest.fixture
def auth_headers(settings: Settings) -> dict[str, str]:
    """Authorization header carrying the service token."""
    return {"Authorization": f"Bearer {settings.service_token}"}


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Factory: make_client(router, ...) → TestClient of a bare app with those routers."""
    from fastapi.testclient import TestClient

    clients: list[TestClient] = []

    def make(*parts: APIRouter | FastAPI) -> TestClient:
        client = TestClient(create_test_app(*parts))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
