"""Fitted artefacts kept in var/cache/ by content hash: load the one for the current data, or fit and save it.

One mechanism for the emergency detector, the triage model and the answer decision. The file is written
to a temporary name and renamed, so a second process never reads half a pickle.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


def load_or_fit(path: Path, fit: Callable[[], T], *, what: str) -> T:
    """The artefact at `path` if it unpickles; otherwise `fit()`, saved there for next time."""
    if path.exists():
        try:
            with path.open("rb") as handle:
                found: T = pickle.load(handle)
            return found
        except (OSError, pickle.UnpicklingError, AttributeError, EOFError):
            logger.warning("%s cache unreadable, refitting", what)
    logger.info("fitting the %s (once per change of its data; can take a few minutes)…", what)
    started = time.monotonic()
    fitted = fit()
    logger.info("%s fitted in %.0f s", what, time.monotonic() - started)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(fitted, handle)
    tmp.replace(path)
    return fitted


def show_progress() -> None:
    """Print the fitting lines on stdout, indented under `make run`'s stage: a first fit takes minutes."""
    if any(h.get_name() == "progress" for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name("progress")
    handler.setFormatter(logging.Formatter("      %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
