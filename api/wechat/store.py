"""Short-lived channel state (dedup claims, cached replies, options, pending parts): Redis or in-process."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, cast

from api.config import Settings


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

        self._redis = aioredis.from_url(url, decode_responses=True)

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


def make_store(settings: Settings) -> Store:
    """Redis when REDIS_URL is set, else the in-process store (single worker only)."""
    return RedisStore(settings.redis_url) if settings.redis_url else MemoryStore()
