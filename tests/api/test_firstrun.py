"""The first run's progress: training shown as one line from Rasa's own output, the URL only when healthy."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path

from api.firstrun import Progress, train, wait_ready
from tests.api.test_wechat_fakes import FakeEngine, serve

# What `rasa train` writes, in its order: hook lines, then tqdm redraws separated by \r.
FAKE_RASA = textwrap.dedent(
    r"""
    import sys, time
    w = sys.stdout.write
    w("2026-01-01 INFO rasa.engine.training.hooks - Starting to train component 'DIETClassifier'.\n")
    for i in range(1, 6):
        w(f"\rEpochs:  {i * 20}%|##   | {i}/5 [00:0{i}<00:00,  1.00it/s, t_loss=1.0]")
        sys.stdout.flush(); time.sleep(0.01)
    w("\n2026-01-01 INFO rasa.engine.training.hooks - Finished training component 'DIETClassifier'.\n")
    w("DeprecationWarning: something a library says\n")
    sys.exit(int(sys.argv[1]))
    """
)


def _script(tmp_path: Path) -> Path:
    path = tmp_path / "fake_rasa.py"
    path.write_text(FAKE_RASA, encoding="utf-8")
    return path


def test_progress_reads_components_and_epochs() -> None:
    progress = Progress(started=0.0)
    assert progress.read("… Starting to train component 'TEDPolicy'.", 1.0)
    assert progress.read("Epochs:  10%|#   | 4/40 [00:02<00:20,  2it/s]", 2.0)
    assert not progress.read("Epochs:  10%|#   | 4/40 [00:02<00:20,  2it/s, loss=1]", 2.5)
    assert progress.line(3.0) == "training 3s · TEDPolicy · epoch 4/40"
    progress.read("Finished training component 'TEDPolicy'.", 71.0)
    assert progress.summary(75.0) == "trained in 1m15s (TEDPolicy 1m10s)"


def test_training_shows_one_line_and_logs_everything(tmp_path: Path) -> None:
    out = io.StringIO()
    log = tmp_path / "train.log"
    code = train(command=[sys.executable, str(_script(tmp_path)), "0"], log_path=log, out=out)
    assert code == 0
    printed = out.getvalue()
    assert "trained in" in printed and "train.log" in printed
    assert "DeprecationWarning" not in printed  # the noise is in the log only
    logged = log.read_text(encoding="utf-8")
    assert "DeprecationWarning" in logged and "Epochs" in logged and "exit 0" in logged


def test_a_failed_training_shows_the_end_of_its_log(tmp_path: Path) -> None:
    out = io.StringIO()
    code = train(
        command=[sys.executable, str(_script(tmp_path)), "3"], log_path=tmp_path / "t.log", out=out
    )
    assert code == 3
    assert "training failed (exit 3)" in out.getvalue() and "DeprecationWarning" in out.getvalue()


def test_ready_prints_the_url_once_health_is_ok() -> None:
    fake = FakeEngine()  # serves GET /health with {"status": "ok"}
    url, stop = serve(fake.app())
    try:
        out = io.StringIO()
        wait_ready(health_url=f"{url}/health", public_url="http://127.0.0.1:8000", out=out)
    finally:
        stop()
    assert out.getvalue().count("is ready: open http://127.0.0.1:8000/") == 1
