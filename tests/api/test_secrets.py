"""No secret ships in code: generated local secrets, production needs explicit ones, shipped values refused."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from api.auth.security import issue_token
from api.config import SHIPPED_SECRETS, MissingSecrets, load_settings
from api.secretfile import GENERATED, ensure_secrets, read_secrets
from tests.api.staff_fixtures import accounts, client  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SECRET_ENV = ("JWT_SECRET", "SERVICE_TOKEN", "RASA_TOKEN")


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No secret, APP_ENV or APP_HOST in the environment; cwd without a .env; returns a tmp secrets path."""
    for name in (*SECRET_ENV, "APP_ENV", "APP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "var" / "secrets.env"


def _admin_token(secret: str, user_id: int) -> str:
    return issue_token(
        secret=secret, user_id=user_id, role="admin", token_version=0, minutes=30, kind="access"
    ).token


def test_generated_file_has_every_secret_random_and_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secrets.env"
    assert ensure_secrets(path) == list(GENERATED)
    values = read_secrets(path)
    assert set(values) == set(SECRET_ENV)
    assert all(len(value) >= 32 for value in values.values())
    assert len(set(values.values())) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other = tmp_path / "other.env"
    ensure_secrets(other)
    assert read_secrets(other)["JWT_SECRET"] != values["JWT_SECRET"]  # random, not a constant


def test_generation_runs_once_and_fills_only_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("JWT_SECRET=kept-value-0123456789abcdef\n", encoding="utf-8")
    assert ensure_secrets(path) == ["SERVICE_TOKEN", "RASA_TOKEN"]
    first = read_secrets(path)
    assert first["JWT_SECRET"] == "kept-value-0123456789abcdef"
    assert ensure_secrets(path) == []
    assert read_secrets(path) == first


def test_the_generated_file_is_git_ignored() -> None:
    import subprocess

    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "var/secrets.env"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0


def test_no_secret_default_and_no_shipped_value_in_code() -> None:
    from api.config import Settings

    for name in ("jwt_secret", "service_token", "rasa_token"):
        assert Settings.model_fields[name].default == ""
    sources = [*ROOT.glob("api/**/*.py"), *ROOT.glob("actions/**/*.py"), ROOT / "Procfile"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "change-me" not in text or path.name == "config.py", path
    assert "dev-" not in (ROOT / "actions" / "settings.py").read_text(encoding="utf-8")


def test_local_run_reads_the_generated_file_and_env_wins(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_secrets(bare_env)
    generated = read_secrets(bare_env)
    settings = load_settings(secrets_file=bare_env)
    assert settings.jwt_secret == generated["JWT_SECRET"]
    assert settings.rasa_token == generated["RASA_TOKEN"]
    monkeypatch.setenv("SERVICE_TOKEN", "from-the-environment-0123456789")
    assert load_settings(secrets_file=bare_env).service_token == "from-the-environment-0123456789"


def test_without_any_secret_the_settings_refuse_and_name_them(bare_env: Path) -> None:
    with pytest.raises(MissingSecrets) as refused:
        load_settings(secrets_file=bare_env)
    assert refused.value.names == list(SECRET_ENV)
    assert "JWT_SECRET, SERVICE_TOKEN, RASA_TOKEN" in str(refused.value)
    assert "api.cli secrets" in str(refused.value)


@pytest.mark.parametrize(
    "production_env", [{"APP_ENV": "production"}, {"APP_HOST": "0.0.0.0"}, {"APP_HOST": "10.1.2.3"}]
)
def test_production_ignores_the_generated_file_and_names_what_is_missing(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, production_env: dict[str, str]
) -> None:
    ensure_secrets(bare_env)  # a generated file is there, but production never reads it
    for key, value in production_env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(MissingSecrets) as refused:
        load_settings(secrets_file=bare_env)
    assert refused.value.names == list(SECRET_ENV)
    assert "production" in str(refused.value)

    monkeypatch.setenv("JWT_SECRET", "explicit-jwt-secret-0123456789abcdef")
    with pytest.raises(MissingSecrets) as still:
        load_settings(secrets_file=bare_env)
    assert still.value.names == ["SERVICE_TOKEN", "RASA_TOKEN"]

    monkeypatch.setenv("SERVICE_TOKEN", "explicit-service-token-0123456789")
    monkeypatch.setenv("RASA_TOKEN", "explicit-rasa-token-0123456789")
    settings = load_settings(secrets_file=bare_env)
    assert settings.is_production and settings.jwt_secret == "explicit-jwt-secret-0123456789abcdef"


def test_loopback_hosts_are_not_production(bare_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_secrets(bare_env)
    for host in ("127.0.0.1", "localhost", "::1"):
        monkeypatch.setenv("APP_HOST", host)
        assert not load_settings(secrets_file=bare_env).is_production


@pytest.mark.parametrize("shipped", sorted(SHIPPED_SECRETS))
def test_a_shipped_value_is_never_accepted_as_a_secret(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, shipped: str
) -> None:
    ensure_secrets(bare_env)
    monkeypatch.setenv("JWT_SECRET", shipped)
    monkeypatch.setenv("SERVICE_TOKEN", shipped)
    with pytest.raises(MissingSecrets) as refused:
        load_settings(secrets_file=bare_env)
    assert refused.value.names == ["JWT_SECRET", "SERVICE_TOKEN"]


def test_the_serve_entrypoint_refuses_in_production_and_says_which(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from api import serve
    from api.config import get_settings

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SERVICE_TOKEN", "explicit-service-token-0123456789")
    get_settings.cache_clear()
    try:
        assert serve.main() == 2
    finally:
        get_settings.cache_clear()
    assert "JWT_SECRET, RASA_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize("shipped", sorted(SHIPPED_SECRETS))
def test_a_token_signed_with_a_shipped_value_is_refused(client, accounts, shipped: str) -> None:
    forged = _admin_token(shipped, accounts["guanli"])
    headers = {"Authorization": f"Bearer {forged}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.get("/api/admin/users", headers=headers).status_code == 401


def test_rotating_the_jwt_secret_ends_every_session(client, accounts, settings_override) -> None:
    old = settings_override(jwt_secret="secret-A-0123456789-0123456789-01")
    token = _admin_token(old.jwt_secret, accounts["guanli"])
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    settings_override(jwt_secret="secret-B-0123456789-0123456789-01")
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.get("/api/admin/users", headers=headers).status_code == 401
