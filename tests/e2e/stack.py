"""Start the three real processes (Rasa, action server, app) on free ports, for e2e tests, eval and bench.

The app process is `python -m api.serve` (public app + internal listener), the engine requires its
API token, and the engine's endpoints are bot/endpoints.yml with the paths moved into the workdir."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENGINE_BIN = ROOT / ".venv-engine" / "bin"
APP_BIN = ROOT / ".venv" / "bin"
MODEL = Path(os.environ.get("TUOYU_MODEL", ROOT / "models" / "tuoyu.tar.gz"))
SERVICE_TOKEN = "e2e-service-token-0123456789"
JWT_SECRET = "e2e-jwt-secret-0123456789-0123456789"
RASA_TOKEN = "e2e-rasa-token-0123456789"
# What the Procfile sets per process (one thread each on this 2-core machine: the app's embedding went
# from ~290 ms to ~36 ms with OMP_NUM_THREADS=1); `tuned=False` starts the processes as before, to compare.
THREADS = {
    "engine": {
        "OMP_NUM_THREADS": "1",
        "TF_INTRA_OP_PARALLELISM_THREADS": "1",
        "TF_INTER_OP_PARALLELISM_THREADS": "1",
    },
    "actions": {"OMP_NUM_THREADS": "1"},
    "app": {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "ORT_NUM_THREADS": "1",
    },
}


def free_port() -> int:
    """A port the OS says is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """Handles on a running stack; `url` is the app's base URL."""

    workdir: Path
    app_port: int
    rasa_port: int
    action_port: int
    env: dict[str, str]
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    internal_port: int = 0  # 0: a fresh free port each time the app starts (probe instances)
    tuned: bool = (
        True  # the Procfile's launcher and thread settings (False: plain rasa, library defaults)
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def internal_url(self) -> str:
        """The app's internal listener (what the action server calls)."""
        return f"http://127.0.0.1:{self.internal_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_token(self) -> str:
        """The engine's API token (running_stack sets one; app-only stacks have none)."""
        return self.env.get("RASA_TOKEN", "")

    def log(self, name: str) -> str:
        """The captured output of one process (for failing tests)."""
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, name: str) -> None:
        """Start (or restart) one process."""
        launch = [str(ENGINE_BIN / "python"), "-m", "bot.launch"]
        commands = {
            "engine": [
                *([*launch, "rasa"] if self.tuned else [str(ENGINE_BIN / "rasa")]),
                "run",
                "--enable-api",
                "--auth-token",
                self.rasa_token,
                "-i",
                "127.0.0.1",
                "-p",
                str(self.rasa_port),
                "--model",
                str(MODEL),
                "--endpoints",
                str(self.workdir / "endpoints.yml"),
                "--credentials",
                str(ROOT / "bot" / "credentials.yml"),
            ],
            "actions": [
                *(
                    [*launch, "sdk"]
                    if self.tuned
                    else [str(ENGINE_BIN / "python"), "-m", "rasa_sdk"]
                ),
                "-p",
                str(self.action_port),
                "--actions",
                "actions",
            ],
            "app": [str(APP_BIN / "python"), "-m", "api.serve"],
        }
        env = {**self.env, "APP_HOST": "127.0.0.1", "APP_PORT": str(self.app_port)}
        if self.tuned:
            env.update(THREADS[name])
        if name == "app":
            env["INTERNAL_PORT"] = str(self.internal_port or free_port())
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.procs[name] = subprocess.Popen(
            commands[name],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str) -> None:
        """Stop one process and wait for it."""
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Block until /api/health reports all three processes up."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.log(name)[-3000:]}")
            try:
                body = httpx.get(f"{self.url}/api/health", timeout=3).json()
                last = str(body)
                if body.get("status") == "ok":
                    return
            except httpx.HTTPError as error:
                last = repr(error)
            time.sleep(1.0)
        raise RuntimeError(
            f"stack not ready after {timeout}s: {last}\n{self.log('engine')[-2000:]}"
        )

    def chat(self, sender_id: str, text: str, timeout: float = 30.0) -> httpx.Response:
        """POST /api/chat."""
        return httpx.post(
            f"{self.url}/api/chat", json={"sender_id": sender_id, "text": text}, timeout=timeout
        )


def engine_endpoints(workdir: Path, action_port: int, endpoints_extra: str = "") -> str:
    """bot/endpoints.yml as shipped, with the action URL and any SQLite file moved into `workdir`;
    `endpoints_extra` (YAML) replaces whole sections (the scaled deployment's stores)."""
    config = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text(encoding="utf-8"))
    config["action_endpoint"] = {"url": f"http://127.0.0.1:{action_port}/webhook"}
    store = config.get("tracker_store") or {}
    if store.get("dialect") == "sqlite":
        store["db"] = str(workdir / Path(store["db"]).name)
    config.update(yaml.safe_load(endpoints_extra) or {})
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


@contextmanager
def running_stack(
    extra_env: dict[str, str] | None = None, endpoints_extra: str = "", *, tuned: bool = True
) -> Iterator[Stack]:
    """Start a fresh stack with its own SQLite databases, stop it afterwards."""
    if not MODEL.exists():
        raise RuntimeError("no trained model: run `make train` first")
    workdir = Path(tempfile.mkdtemp(prefix="tuoyu-stack-"))
    app_port, rasa_port, action_port = free_port(), free_port(), free_port()
    internal_port = free_port()
    (workdir / "endpoints.yml").write_text(
        engine_endpoints(workdir, action_port, endpoints_extra), encoding="utf-8"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_PORT": str(app_port),
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "ACTION_URL": f"http://127.0.0.1:{action_port}",
        "APP_INTERNAL_URL": f"http://127.0.0.1:{internal_port}",
        "DATABASE_URL": f"sqlite:///{workdir / 'tuoyu.db'}",
        "SERVICE_TOKEN": SERVICE_TOKEN,
        "JWT_SECRET": JWT_SECRET,
        "RASA_TOKEN": RASA_TOKEN,
        "SANIC_HOST": "127.0.0.1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONWARNINGS": "ignore",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        **(extra_env or {}),
    }
    migrate = subprocess.run(
        [str(APP_BIN / "python"), "-m", "api.cli", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode != 0:
        raise RuntimeError(f"migrations failed: {migrate.stderr[-2000:]}")
    stack = Stack(
        workdir, app_port, rasa_port, action_port, env, internal_port=internal_port, tuned=tuned
    )
    try:
        for name in ("app", "actions", "engine"):
            stack.start(name)
        stack.wait_ready()
        yield stack
    finally:
        for name in list(stack.procs):
            stack.stop(name)
        if not os.environ.get("KEEP_STACK_LOGS"):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover - manual smoke run
    with running_stack() as s:
        print(s.url, s.chat("smoke", sys.argv[1] if len(sys.argv) > 1 else "你好").json())
