"""Startup hook: create the first admin from ADMIN_PASSWORD if none exists (never fails startup)."""

from __future__ import annotations

import logging

from api.config import Settings

log = logging.getLogger(__name__)


def bootstrap_admin(settings: Settings) -> None:
    """Create `admin` from ADMIN_PASSWORD when set and no admin exists; log (not raise) on errors."""
    if not settings.admin_password:
        return
    from api.auth.service import ensure_admin
    from api.db import get_sessionmaker

    try:
        with get_sessionmaker(settings.database_url)() as session:
            ensure_admin(session=session, settings=settings)
    except Exception as exc:  # e.g. database not migrated yet: `make db` first
        log.warning("could not create the first admin at startup: %s", exc)
