"""Fitted artefacts kept in var/cache/ by content hash: load the one for the current data, or fit and save it.

One mechanism for the emergency detector, the triage model and the answer decision. The file is written
to a temporary name and renamed, so a second process never reads half a pickle.
"""

from __future__ import annotations

import logging
import os
import pickle
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
    fitted = fit()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(fitted, handle)
    tmp.replace(path)
    return fitted
