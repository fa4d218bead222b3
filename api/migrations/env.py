"""Alembic environment: migrates settings.database_url, or the URL/connection handed in by api.db."""

from logging.config import fileConfig

from alembic import context

import api.complaints.models  # noqa: F401  (registers tables on Base.metadata)
from api.config import get_settings
from api.db import Base, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    """URL precedence: programmatic attribute, then -x url=..., then settings (DATABASE_URL)."""
    return (
        config.attributes.get("database_url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or get_settings().database_url
    )


def _is_sqlite(url: str) -> bool:
    """Batch mode is needed for ALTERs on SQLite."""
    return url.startswith("sqlite")


def run_migrations_offline() -> None:
    """Emit SQL to stdout (alembic upgrade --sql)."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_is_sqlite(url),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection (a fresh engine disposed afterwards)."""
    url = _url()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=_is_sqlite(url),
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
