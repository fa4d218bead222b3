"""Fixtures for action tests (engine runtime): a real app process, a tracker and a dispatcher."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "actions-test-token-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app's real internal listener (app runtime venv), as the action server sees it, on a free
    port with a throwaway SQLite database."""
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="tuoyu-actions-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SERVICE_TOKEN": TOKEN,
        "APP_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
    }
    app_python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [app_python, "-m", "api.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    log = open(workdir / "app.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [app_python, "-m", "uvicorn", "api.main:internal_app", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # a loaded machine starts slowly; never yield a dead URL
    while True:
        try:
            urllib.request.urlopen(f"{url}/openapi.json", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((workdir / "app.log").read_text()) from None
            time.sleep(0.3)
    yield url
    stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server this suite started; a busy one that ignores SIGTERM is killed, never left behind."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(15)


@pytest.fixture(autouse=True)
async def _close_app_session() -> AsyncIterator[None]:
    """The action server keeps one HTTP session for its loop; each test's loop closes its own."""
    yield
    from actions.app_client import close_session

    await close_session()


@pytest.fixture
def app_env(app_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the action server settings at the running app."""
    monkeypatch.setenv("APP_INTERNAL_URL", app_url)
    monkeypatch.setenv("SERVICE_TOKEN", TOKEN)
    monkeypatch.setenv("ACTION_APP_RETRIES", "1")
    monkeypatch.setenv(
        "ACTION_APP_TIMEOUT_S", "60"
    )  # cold models on a shared machine; no timing asserted
    return app_url


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Build a Tracker whose latest message has the given text, intent, entities and slots."""

    def build(
        text: str,
        intent: str,
        *,
        confidence: float = 0.9,
        entities: list[dict[str, Any]] | None = None,
        slots: dict[str, Any] | None = None,
        active_loop: dict[str, Any] | None = None,
    ) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            "entities": entities or [],
        }
        return Tracker(
            "test-user", slots or {}, latest, [], False, None, active_loop or {}, "action_listen"
        )

    return build


@pytest.fixture
def app_down_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the action server at a port where nothing listens (the app is down)."""
    url = f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("APP_INTERNAL_URL", url)
    monkeypatch.setenv("SERVICE_TOKEN", TOKEN)
    monkeypatch.setenv("ACTION_APP_RETRIES", "1")
    monkeypatch.setenv("ACTION_APP_TIMEOUT_S", "2")
    return url


@pytest.fixture(scope="session")
def engine_domain() -> dict[str, Any]:
    """The merged engine domain (bot/domain/*.yml) as the action server receives it: forms, slots, responses."""
    import yaml

    merged: dict[str, Any] = {
        "forms": {},
        "slots": {},
        "responses": {},
        "intents": [],
        "actions": [],
    }
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("forms", "slots", "responses"):
            merged[key].update(part.get(key) or {})
        for key in ("intents", "actions"):
            merged[key] += part.get(key) or []
    return merged
