"""The chat page and its assets carry a CSP that forbids framing, like the console."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> TestClient:
    from api.main import create_app

    return TestClient(create_app())


@pytest.mark.parametrize(
    "path", ["/", "/static/chat.js", "/static/chat.css", "/static/favicon.svg"]
)
def test_page_and_assets_have_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_missing_asset_is_a_plain_404(client: TestClient) -> None:
    assert client.get("/static/nope.js").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
