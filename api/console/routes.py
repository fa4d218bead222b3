"""Serve the staff console pages and their assets; every page is static and fetches its data from the JSON API."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

STATIC = Path(__file__).parent / "static"
ASSET_RE = re.compile(r"^[a-z][a-z0-9-]*\.(?:js|css|svg)$")
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# the pages load only their own scripts and styles, and talk only to this origin
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}
TICKET_RE = r"^[A-Za-z0-9-]{1,32}$"

router = APIRouter(prefix="/console", include_in_schema=False)


def _page(name: str) -> FileResponse:
    """One HTML page with the console's security headers."""
    return FileResponse(
        STATIC / f"{name}.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
    )


@router.get("")
def queue_page() -> FileResponse:
    """The case queue (工单列表), the console's home."""
    return _page("queue")


@router.get("/")
def queue_slash() -> RedirectResponse:
    """Send /console/ to the canonical /console."""
    return RedirectResponse("/console", status_code=308)


@router.get("/login")
def login_page() -> FileResponse:
    """Staff sign-in form."""
    return _page("login")


@router.get("/cases/{ticket}")
def case_page(ticket: str) -> FileResponse:
    """One case's detail page; the script reads the ticket from the URL."""
    if not re.match(TICKET_RE, ticket):
        raise HTTPException(404, "未找到该工单")
    return _page("case")


@router.get("/stats")
def stats_page() -> FileResponse:
    """Counts, medians and the bar chart."""
    return _page("stats")


@router.get("/admin")
def admin_page() -> FileResponse:
    """Account management for admins."""
    return _page("admin")


@router.get("/assets/{name}")
def asset(name: str) -> FileResponse:
    """A console script, stylesheet or icon; names are checked so no path can leave the folder."""
    path = STATIC / name
    if not ASSET_RE.match(name) or not path.is_file():
        raise HTTPException(404, "not found")
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=SECURITY_HEADERS)
