"""Fixtures that start the real stack once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """Rasa + action server + app on free ports with a fresh SQLite database."""
    with running_stack() as running:
        yield running


@pytest.fixture(scope="session")
def stack_url(stack: Stack) -> str:
    """Base URL of the running app."""
    return stack.url
