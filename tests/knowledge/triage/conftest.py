"""Shared fixtures for triage tests: the labelled complaints and the held-out split."""

from pathlib import Path
from typing import Any

import pytest
import yaml

# the reviewed complaints live beside the triage data: the emergency detector learns from their tuning part
LABELLED = (
    Path(__file__).resolve().parents[3]
    / "knowledge"
    / "data"
    / "triage"
    / "labelled_complaints.yml"
)


def load_complaints() -> list[dict[str, Any]]:
    """All labelled complaints of knowledge/data/triage/labelled_complaints.yml."""
    return yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["complaints"]


@pytest.fixture(scope="session")
def complaints() -> list[dict[str, Any]]:
    """Every labelled complaint."""
    return load_complaints()


@pytest.fixture(scope="session")
def holdout(complaints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every third complaint: never looked at while tuning the signal weights."""
    return [c for i, c in enumerate(complaints) if i % 3 == 2]


@pytest.fixture(scope="session")
def tuning(complaints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The complaints the signal weights were tuned on."""
    return [c for i, c in enumerate(complaints) if i % 3 != 2]
