"""`make run` for a newcomer: training shown as one updating line, and the URL only once the chat answers.

`train` runs `rasa train` in the engine runtime with its full output (timestamped) in var/train.log,
and shows the component being trained and its epoch (Rasa's tqdm bar, read from the output) on one
line; at the end it prints the total and what each component cost, the figures the pipeline is tuned
on. `wait_ready` polls /api/health and prints the URL once it says ok (Procfile `ready:`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from api.config import ROOT

ENGINE_BIN = ROOT / ".venv-engine" / "bin"
TRAIN_LOG = ROOT / "var" / "train.log"
TRAIN_COMMAND = [
    str(ENGINE_BIN / "rasa"),
    "train",
    "--config",
    "config.yml",
    "--domain",
    "bot/domain",
    "--data",
    "data/nlu",
    "bot/rules",
    "bot/stories",
    "--out",
    "models",
    "--fixed-model-name",
    "tuoyu",
]
_START = re.compile(r"Starting to train component '(\w+)'")
_END = re.compile(r"Finished training component '(\w+)'")
_EPOCH = re.compile(r"Epochs:\s+\d+%.*?\|\s*(\d+)/(\d+)")
# only components that take measurable time are worth a line in the summary
SHOWN_S = 1.0


@dataclass
class Progress:
    """What the training output said so far: the current component, its epoch, each component's time."""

    started: float = field(default_factory=time.monotonic)
    component: str = ""
    epoch: tuple[int, int] | None = None
    since: dict[str, float] = field(default_factory=dict)
    took: dict[str, float] = field(default_factory=dict)

    def read(self, segment: str, now: float) -> bool:
        """Update from one line (or one tqdm refresh); True if what is shown changed."""
        if match := _START.search(segment):
            self.component, self.epoch = match.group(1), None
            self.since[self.component] = now
            return True
        if match := _END.search(segment):
            name = match.group(1)
            self.took[name] = self.took.get(name, 0.0) + now - self.since.pop(name, now)
            return False
        if match := _EPOCH.search(segment):
            epoch = (int(match.group(1)), int(match.group(2)))
            changed = epoch != self.epoch
            self.epoch = epoch
            return changed
        return False

    def line(self, now: float) -> str:
        """The one progress line."""
        parts = [f"training {_clock(now - self.started)}"]
        if self.component:
            parts.append(self.component)
        if self.epoch:
            parts.append(f"epoch {self.epoch[0]}/{self.epoch[1]}")
        return " · ".join(parts)

    def summary(self, now: float) -> str:
        """Total time and the components that cost something, most expensive first."""
        costly = sorted(((t, n) for n, t in self.took.items() if t >= SHOWN_S), reverse=True)
        detail = ", ".join(f"{n} {_clock(t)}" for t, n in costly)
        return f"trained in {_clock(now - self.started)}" + (f" ({detail})" if detail else "")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def segments(stream: IO[bytes]) -> Iterator[tuple[str, bool]]:
    """Text between \\r or \\n (tqdm redraws with \\r); True when the segment ended a line."""
    buffer = b""
    while chunk := os.read(stream.fileno(), 4096):
        buffer += chunk
        while True:
            cut = min((i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                break
            ended = buffer[cut : cut + 1] == b"\n"
            yield buffer[:cut].decode("utf-8", "replace"), ended
            buffer = buffer[cut + 1 :]
    if buffer:
        yield buffer.decode("utf-8", "replace"), True


def train(
    *,
    command: list[str] | None = None,
    log_path: Path = TRAIN_LOG,
    out: IO[str] = sys.stdout,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run the training with one updating progress line; the full output goes to the log file."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    progress = Progress(started=clock())
    tty = out.isatty()
    shown = ""
    last_print = float("-inf")
    env = {**os.environ, "LOG_LEVEL": "INFO"}  # Rasa hides its epoch bar at WARNING (--quiet)
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            command or TRAIN_COMMAND,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert proc.stdout is not None
        for text, ended in segments(proc.stdout):
            now = clock()
            changed = progress.read(text, now)
            if ended or (changed and _tenth(progress.epoch)):
                log.write(f"[{now - progress.started:7.1f}s] {text}\n")
            if not changed:
                continue
            line = progress.line(now)
            if tty:
                out.write("\r\033[K      " + line)
                out.flush()
            elif line != shown and now - last_print >= 10:  # a log file, not a terminal
                out.write("      " + line + "\n")
                out.flush()
                last_print = now
            shown = line
        code = proc.wait()
        now = clock()
        log.write(f"[{now - progress.started:7.1f}s] exit {code}; {progress.summary(now)}\n")
    if tty:
        out.write("\r\033[K")
    if code == 0:
        out.write(f"      {progress.summary(now)}; full log: {_shown_path(log_path)}\n")
    else:
        out.write(f"      training failed (exit {code}); the end of {_shown_path(log_path)}:\n")
        out.write("".join(log_path.read_text(encoding="utf-8").splitlines(True)[-25:]))
    out.flush()
    return code


def _tenth(epoch: tuple[int, int] | None) -> bool:
    """Every tenth of the epochs (and the last) is worth a line in the log."""
    if not epoch:
        return False
    done, total = epoch
    return done == total or done % max(1, total // 10) == 0


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def wait_ready(
    *, health_url: str, public_url: str, out: IO[str] = sys.stdout, every_s: float = 1.0
) -> None:
    """Poll /api/health until it is ok, then print where to open the chat (once)."""
    said = ""
    while True:
        try:
            body = httpx.get(health_url, timeout=3).json()
        except (httpx.HTTPError, ValueError):
            body = {"status": "starting"}
        if body.get("status") == "ok":
            out.write(
                f"\n  托育助手 is ready: open {public_url}/  (API docs: {public_url}/docs)\n\n"
            )
            out.flush()
            return
        waiting = [n for n in ("app", "engine", "actions") if body.get(n, "down") != "ok"]
        now = "waiting for " + ", ".join(waiting or ["the shared stores"])
        if now != said:
            out.write(f"{now} …\n")
            out.flush()
            said = now
        time.sleep(every_s)
