"""Request-rate limits with the maintained `limits` library: Redis when REDIS_URL is set, else in-process.

Moving windows, so a burst at a window's edge gets no double allowance. When Redis cannot be reached
the limiter falls back to its in-process store with a logged warning: limits keep holding per
process instead of every request failing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.config import get_settings

log = logging.getLogger(__name__)
REDIS_TIMEOUT_S = 0.5
RETRY_REDIS_AFTER_S = 30.0


@dataclass(frozen=True)
class Refusal:
    """Which rule refused the request and how many seconds until it allows one again."""

    rule: str
    retry_after: int


class Limiter:
    """Hits named rules ('10/minute;60/day') for a key, on Redis or in process."""

    def __init__(self, *, redis_url: str = "", prefix: str = "tuoyu-limits") -> None:
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        if redis_url:
            storage = storage_from_string(
                redis_url,
                key_prefix=prefix,
                wrap_exceptions=True,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                socket_timeout=REDIS_TIMEOUT_S,
            )
            self._shared = MovingWindowRateLimiter(storage)

    @property
    def backend(self) -> str:
        """'redis' or 'memory' (what the next hit will use)."""
        return "redis" if self._shared and time.monotonic() >= self._down_until else "memory"

    def _hit(self, item: RateLimitItem, scope: str, key: str) -> tuple[bool, float]:
        """One hit on the shared store, or in process while Redis is down."""
        if self._shared is not None and time.monotonic() >= self._down_until:
            try:
                allowed = self._shared.hit(item, scope, key)
                return allowed, self._shared.get_window_stats(item, scope, key).reset_time
            except StorageError as exc:
                with self._lock:
                    self._down_until = time.monotonic() + RETRY_REDIS_AFTER_S
                log.warning(
                    "rate-limit store (Redis) unreachable (%s); limiting in process for %.0f s",
                    type(exc.storage_error).__name__,
                    RETRY_REDIS_AFTER_S,
                )
        allowed = self._memory.hit(item, scope, key)
        return allowed, self._memory.get_window_stats(item, scope, key).reset_time

    def hit(self, *, scope: str, rules: str, key: str) -> Refusal | None:
        """Count one request of `key` against every rule; the first rule that refuses, if any."""
        for item in parse_many(rules):
            allowed, reset = self._hit(item, scope, key)
            if not allowed:
                return Refusal(rule=str(item), retry_after=max(1, math.ceil(reset - time.time())))
        return None


@lru_cache(maxsize=8)
def _limiter(redis_url: str, prefix: str) -> Limiter:
    """One limiter per store (settings may change in tests)."""
    return Limiter(redis_url=redis_url, prefix=prefix)


def get_limiter() -> Limiter:
    """The process-wide limiter for the current settings."""
    settings = get_settings()
    return _limiter(settings.redis_url, settings.rate_limit_prefix)


def reset_limiters() -> None:
    """Forget every limiter and its in-process counts (tests; a settings change)."""
    _limiter.cache_clear()
