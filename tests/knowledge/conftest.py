"""Shared fixtures for the knowledge tests: the packaged data dir and a writable copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of documents.yml, sources/ and entries/ that a test may break."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copy(DATA_DIR / "documents.yml", target / "documents.yml")
    shutil.copytree(DATA_DIR / "sources", target / "sources")
    shutil.copytree(DATA_DIR / "entries", target / "entries")
    return target
