"""The one load-or-fit mechanism for the cached models: fit once, load after, refit a broken file."""

from __future__ import annotations

from pathlib import Path

from knowledge.artefact import load_or_fit


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
