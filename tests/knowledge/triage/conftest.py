"""Shared fixtures for triage tests: the labelled complaints, the fixed held-out split, the models."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.triage.data import LABELLED, split
from knowledge.triage.model import Model, held_out_model, model

__all__ = ["LABELLED", "load_complaints"]


def load_complaints(path: Path = LABELLED) -> list[dict[str, Any]]:
    """All labelled complaints of one file (default knowledge/data/triage/labelled_complaints.yml)."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["complaints"])


@pytest.fixture(scope="session")
def complaints() -> list[dict[str, Any]]:
    """Every labelled complaint of labelled_complaints.yml."""
    return load_complaints()


@pytest.fixture(scope="session")
def holdout() -> list[dict[str, Any]]:
    """The held-out part of both labelled files: never fitted on, never used to choose anything."""
    return [c.model_dump() for c in split()[1]]


@pytest.fixture(scope="session")
def shipped() -> Model:
    """The department model the app loads (fitted on every reviewed complaint)."""
    return model()


@pytest.fixture(scope="session")
def train_only() -> Model:
    """The same model fitted on the train part only."""
    return held_out_model()
