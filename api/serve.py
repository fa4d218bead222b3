"""`python -m api.serve`: the public app on APP_HOST:APP_PORT and the internal app on 127.0.0.1:INTERNAL_PORT.

One process, two uvicorn servers on one event loop, rather than two processes: the two surfaces
share in-process state that must not split (the status-lookup limiter and WeChat dedup without
Redis, the loaded retrieval and triage models, the one SQLite writer), and a second copy of the
models would double the memory. The internal listener is bound to 127.0.0.1 whatever APP_HOST is.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator

import uvicorn

from api.config import MissingSecrets, Settings, get_settings

INTERNAL_HOST = "127.0.0.1"


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to `serve` (two servers, one set of handlers)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def servers(settings: Settings) -> list[uvicorn.Server]:
    """The public and the internal server, configured but not started."""
    level = settings.log_level.lower()
    public = uvicorn.Config(
        "api.main:app",
        host=settings.app_host,
        port=settings.app_port,
        access_log=False,
        log_level=level,
    )
    internal = uvicorn.Config(
        "api.main:internal_app",
        host=INTERNAL_HOST,
        port=settings.internal_port,
        access_log=False,
        log_level=level,
    )
    return [_Server(public), _Server(internal)]


async def serve(settings: Settings) -> int:
    """Run both until SIGINT/SIGTERM; if one fails to start or stops, stop the other too."""
    both = servers(settings)
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in both:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    tasks = [asyncio.create_task(server.serve()) for server in both]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    failed = any(task.exception() is not None for task in tasks) or not all(
        server.started for server in both
    )
    return 1 if failed else 0


def main() -> int:
    """Check the settings (secrets, production rules) first, so a refusal is one clear line."""
    try:
        settings = get_settings()
    except MissingSecrets as error:
        print(f"托育助手 refuses to start: {error}", file=sys.stderr)
        return 2
    return asyncio.run(serve(settings))


if __name__ == "__main__":
    sys.exit(main())
