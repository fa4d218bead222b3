"""The action server's settings: the internal listener by default, the token from env or var/secrets.env."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import settings as action_settings


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated-looking secrets file in place of var/secrets.env; no token or URL in env."""
    path = tmp_path / "secrets.env"
    path.write_text("# generated\nJWT_SECRET=x\nSERVICE_TOKEN=from-the-file-0123456789\n")
    monkeypatch.setattr(action_settings, "SECRETS_FILE", path)
    for name in ("SERVICE_TOKEN", "APP_ENV", "APP_INTERNAL_URL", "INTERNAL_PORT"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_default_target_is_the_internal_listener(secrets_file: Path) -> None:
    assert action_settings.get_settings().app_url == "http://127.0.0.1:8001"


def test_token_comes_from_the_generated_file_and_env_wins(
    secrets_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert action_settings.get_settings().service_token == "from-the-file-0123456789"
    monkeypatch.setenv("SERVICE_TOKEN", "from-env-0123456789")
    assert action_settings.get_settings().service_token == "from-env-0123456789"


def test_production_never_reads_the_generated_file(
    secrets_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SERVICE_TOKEN is missing"):
        action_settings.get_settings()


def test_no_token_anywhere_is_an_error_not_a_default(
    secrets_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(action_settings, "SECRETS_FILE", tmp_path / "absent.env")
    with pytest.raises(RuntimeError, match="SERVICE_TOKEN is missing"):
        action_settings.get_settings()
