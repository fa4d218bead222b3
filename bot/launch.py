"""Start the engine (`python -m bot.launch rasa run …`) or the action server (`… sdk -p 5055 …`) with quiet logs.

Rasa 3.6 and its libraries (TensorFlow, Sanic, SQLAlchemy 1.4, distutils users) print deprecation
warnings and chatty INFO lines on every start; some of them reset the warning filters set by
PYTHONWARNINGS, so the filters are set here, in process, before Rasa's own CLI runs, and a warning of
those categories raised outside this project is dropped at display time as well. Our own modules
(actions/, bot/) keep every warning and INFO line. Not a training input (the Makefile leaves it out).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
OURS = (str(ROOT / "actions"), str(ROOT / "bot"))
LIBRARY_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning)
# library loggers whose INFO lines say nothing a person running the assistant needs
QUIET_LOGGERS = {
    "rasa_sdk.executor": logging.WARNING,  # one "Registered function" line per action
    "rasa.core.processor": logging.WARNING,
    "rasa.engine": logging.WARNING,
    "rasa.core.agent": logging.WARNING,
    "rasa.shared.utils.io": logging.ERROR,
    "sanic.root": logging.WARNING,
    "sanic.access": logging.WARNING,
    "absl": logging.ERROR,
    "tensorflow": logging.ERROR,
    "h5py": logging.ERROR,
    "matplotlib": logging.WARNING,
    "apscheduler": logging.WARNING,
    "jieba": logging.WARNING,  # "Building prefix dict… Loading model from cache…" on every start
    "rasa.nlu.tokenizers.jieba_tokenizer": logging.WARNING,
}
_show = warnings.showwarning


def _ours(filename: str) -> bool:
    return filename.startswith(OURS)


def _showwarning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Library deprecation noise is dropped even when a library re-enabled it; ours is shown."""
    if issubclass(category, LIBRARY_CATEGORIES) and not _ours(filename):
        return
    _show(message, category, filename, lineno, file, line)


def quiet() -> None:
    """Warning filters and logger levels for the engine runtime; call before importing Rasa."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    for category in LIBRARY_CATEGORIES:
        warnings.filterwarnings("ignore", category=category)
    warnings.showwarning = _showwarning
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def main(argv: list[str]) -> int:
    """`rasa …` or `sdk …`: run that CLI in this process with the quiet settings applied."""
    if not argv or argv[0] not in ("rasa", "sdk"):
        print("usage: python -m bot.launch rasa|sdk [args…]", file=sys.stderr)
        return 2
    quiet()
    which, rest = argv[0], argv[1:]
    if which == "rasa":
        from rasa.__main__ import main as rasa_main

        from bot.fastpath import apply

        apply()

        sys.argv = ["rasa", *rest]
        rasa_main()
    else:
        from rasa_sdk.__main__ import main as sdk_main

        sys.argv = ["rasa_sdk", *rest]
        sdk_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
