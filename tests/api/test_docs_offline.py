"""/docs and /redoc load Swagger UI / ReDoc from the app itself (fastapi-offline), never a CDN."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient


def test_docs_pages_use_only_local_assets(settings: Any) -> None:
    from api.main import create_app

    client = TestClient(create_app())
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200, page
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", r.text)
        urls += re.findall(r"""url: ?["']([^"']+)["']""", r.text)
        assert urls and all(u.startswith("/") for u in urls), (page, urls)
        assert "http://" not in r.text and "https://" not in r.text
        for asset in urls:
            assert client.get(asset).status_code == 200, asset
