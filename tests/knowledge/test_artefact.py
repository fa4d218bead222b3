"""The one load-or-fit mechanism for the cached models: fit once, load after, refit a broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import artefact
from knowledge.artefact import load_or_fit, show_progress


@pytest.fixture
def progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """show_progress' handler and level for one test only (its stream is this test's captured stdout)."""
    monkeypatch.setattr(artefact.logger, "handlers", [])
    monkeypatch.setattr(artefact.logger, "level", artefact.logger.level)


def test_fits_once_then_loads_and_refits_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "thing-abc.pkl"
    calls: list[int] = []

    def fit() -> dict[str, int]:
        calls.append(1)
        return {"weights": len(calls)}

    assert load_or_fit(path, fit, what="thing") == {"weights": 1}
    assert load_or_fit(path, fit, what="thing") == {"weights": 1} and len(calls) == 1
    path.write_bytes(b"not a pickle")
    assert load_or_fit(path, fit, what="thing") == {"weights": 2}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_first_fit_says_so_on_stdout_and_a_load_says_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], progress: None
) -> None:
    show_progress()
    show_progress()  # once is enough: the lines are not doubled
    load_or_fit(tmp_path / "slow.pkl", lambda: 42, what="test model")
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("(")[0].strip() for line in printed][:1] == ["fitting the test model"]
    assert len(printed) == 2 and "fitted in" in printed[1]
    assert load_or_fit(tmp_path / "slow.pkl", lambda: 0, what="test model") == 42
    assert capsys.readouterr().out == ""
