"""The console pages and assets are served with their security headers and nothing outside the folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

STATIC = Path(__file__).resolve().parents[2] / "api" / "console" / "static"


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The real app without its lifespan (no engine, no database needed for static pages)."""
    return TestClient(create_app())


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/console", 'id="rows"'),
        ("/console/login", 'id="login-form"'),
        ("/console/cases/TY20261128-0042", 'id="c-timeline"'),
        ("/console/stats", 'id="charts"'),
        ("/console/admin", 'id="create-form"'),
    ],
)
def test_pages_are_served_with_csp(client: TestClient, path: str, marker: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert marker in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"


def test_every_asset_a_page_links_is_served(client: TestClient) -> None:
    for page in STATIC.glob("*.html"):
        for ref in re.findall(r'(?:src|href)="(/console/assets/[^"]+)"', page.read_text("utf-8")):
            r = client.get(ref)
            assert r.status_code == 200, ref
    for script in STATIC.glob("*.js"):
        for ref in re.findall(r'from "\./([a-z-]+\.js)"', script.read_text("utf-8")):
            assert (
                client.get(f"/console/assets/{ref}")
                .headers["content-type"]
                .startswith("text/javascript")
            ), ref


def test_pages_have_no_inline_script_or_style() -> None:
    for page in STATIC.glob("*.html"):
        html = page.read_text("utf-8")
        assert "style=" not in html, page.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), page.name


def test_scripts_never_write_html_strings() -> None:
    for script in STATIC.glob("*.js"):
        source = script.read_text("utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source), (
            script.name
        )


@pytest.mark.parametrize(
    "path",
    [
        "/console/assets/..%2Froutes.py",
        "/console/assets/routes.py",
        "/console/assets/missing.js",
        "/console/assets/Queue.HTML",
        "/console/cases/..%2F..%2Fetc",
    ],
)
def test_nothing_else_is_reachable(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_trailing_slash_goes_to_the_queue(client: TestClient) -> None:
    r = client.get("/console/", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/console"
