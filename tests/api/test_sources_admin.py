"""Admins see the sources in force, when each was last checked, stale entries and missing holiday years."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from knowledge.clock import fixed_today
from tests.api.staff_fixtures import accounts, bearer  # noqa: F401


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """Auth routes (for tokens) and the knowledge admin routes."""
    from api.auth.routes import router
    from api.kb.routes import admin_router

    return make_client(router, admin_router)


def test_only_admins_see_the_sources(client, bearer) -> None:
    assert client.get("/api/admin/sources").status_code == 401
    assert client.get("/api/admin/sources", headers=bearer("rexian01")).status_code == 403


def test_sources_overview_lists_versions_checks_and_missing_holiday_years(client, bearer) -> None:
    with fixed_today(dt.date(2026, 12, 1)):
        body = client.get("/api/admin/sources", headers=bearer("guanli")).json()
    rows = {s["id"]: s for s in body["sources"]}
    assert rows["sc-pfp-2025"]["status"] == "in_force"
    assert rows["sc-pfp-2025"]["effective_from"] == "2025-11-28"
    assert rows["sc-pfp-2021"]["status"] == "superseded"
    assert rows["sc-pfp-2021"]["effective_to"] == "2025-11-27"
    assert rows["renhe-2020-128"]["record"] is True
    assert all(s["last_checked"] for s in body["sources"])
    assert body["stale_entries"] == []
    assert body["holiday_years_missing"] == [2027]


def test_a_year_later_the_checks_fall_due(client, bearer) -> None:
    with fixed_today(dt.date(2027, 12, 1)):
        body = client.get("/api/admin/sources", headers=bearer("guanli")).json()
    assert all(s["check_due"] for s in body["sources"])
    assert 2027 in body["holiday_years_missing"] and 2028 in body["holiday_years_missing"]
