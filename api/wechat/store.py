"""Short-lived channel state (dedup claims, cached replies, options, pending parts): Redis or in-process."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar, cast

from api.config import Settings

log = logging.getLogger(__name__)
REDIS_TIMEOUT_S = 0.5
RETRY_REDIS_AFTER_S = 30.0
T = TypeVar("T")


class Store(Protocol):
    """String values with a TTL; `claim` is an atomic set-if-absent (Redis SET NX EX)."""

    async def claim(self, key: str, value: str, ttl: int) -> bool: ...

    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str, ttl: int) -> None: ...

    async def pop(self, key: str) -> str | None: ...

    async def delete(self, key: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryStore:
    """One process, one dict; expired keys are dropped when touched or on a periodic sweep."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._data: dict[str, tuple[float, str]] = {}
        self._clock = clock or time.monotonic
        self._writes = 0

    def _live(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[0] <= self._clock():
            del self._data[key]
            return None
        return item[1]

    def _sweep(self) -> None:
        self._writes += 1
        if self._writes % 256 == 0:
            now = self._clock()
            for key in [k for k, (expiry, _) in self._data.items() if expiry <= now]:
                del self._data[key]

    async def claim(self, key: str, value: str, ttl: int) -> bool:
        """Set only if absent (no await inside, so it is atomic on the event loop)."""
        if self._live(key) is not None:
            return False
        await self.put(key, value, ttl)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def put(self, key: str, value: str, ttl: int) -> None:
        self._data[key] = (self._clock() + ttl, value)
        self._sweep()

    async def pop(self, key: str) -> str | None:
        value = self._live(key)
        self._data.pop(key, None)
        return value

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def aclose(self) -> None:
        self._data.clear()


class RedisStore:
    """Shared by every worker, so a retry landing on another process still finds the first reply."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            socket_timeout=REDIS_TIMEOUT_S,
        )

    async def claim(self, key: str, value: str, ttl: int) -> bool:
        return bool(await self._redis.set(key, value, nx=True, ex=ttl))

    async def get(self, key: str) -> str | None:
        return cast(str | None, await self._redis.get(key))

    async def put(self, key: str, value: str, ttl: int) -> None:
        await self._redis.set(key, value, ex=ttl)

    async def pop(self, key: str) -> str | None:
        return cast(str | None, await self._redis.getdel(key))

    async def delete(self, key: str) -> None:
        await self._redis.delete(key)

    async def aclose(self) -> None:
        await self._redis.aclose()


class FallbackStore:
    """Redis, or the in-process store while Redis is unreachable (logged), so a push never gets 500.

    Dedup then holds per process only; Redis is tried again RETRY_REDIS_AFTER_S after a failure.
    """

    def __init__(
        self, shared: Store, local: Store, clock: Callable[[], float] | None = None
    ) -> None:
        self.shared, self.local = shared, local
        self._clock = clock or time.monotonic
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        """True while operations go to the in-process store."""
        return self._clock() < self._down_until

    async def _run(self, op: Callable[[Store], Awaitable[T]]) -> T:
        """`op` on Redis, or on the local store when Redis is (or just went) down."""
        if not self.degraded:
            try:
                return await op(self.shared)
            except Exception as exc:  # redis errors share no base class with OSError
                if not _is_redis_failure(exc):
                    raise
                self._down_until = self._clock() + RETRY_REDIS_AFTER_S
                log.warning(
                    "wechat store: Redis unreachable (%s); using the in-process store for %.0f s",
                    type(exc).__name__,
                    RETRY_REDIS_AFTER_S,
                )
        return await op(self.local)

    async def claim(self, key: str, value: str, ttl: int) -> bool:
        return await self._run(lambda s: s.claim(key, value, ttl))

    async def get(self, key: str) -> str | None:
        return await self._run(lambda s: s.get(key))

    async def put(self, key: str, value: str, ttl: int) -> None:
        await self._run(lambda s: s.put(key, value, ttl))

    async def pop(self, key: str) -> str | None:
        return await self._run(lambda s: s.pop(key))

    async def delete(self, key: str) -> None:
        await self._run(lambda s: s.delete(key))

    async def aclose(self) -> None:
        try:
            await self.shared.aclose()
        finally:
            await self.local.aclose()


def _is_redis_failure(exc: BaseException) -> bool:
    """Connection-level trouble with Redis (not a bug in our code)."""
    from redis.exceptions import RedisError

    return isinstance(exc, (RedisError, OSError, TimeoutError))


def make_store(settings: Settings) -> Store:
    """Redis (falling back to in-process while it is down) when REDIS_URL is set, else in-process."""
    if not settings.redis_url:
        return MemoryStore()
    return FallbackStore(RedisStore(settings.redis_url), MemoryStore())
