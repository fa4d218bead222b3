"""One settings object for the app runtime, read from env vars (prefix-free, documented in README).

No secret has a default: local runs read the random ones `make run`/`make test` generate into
var/secrets.env; in production (APP_ENV=production or a non-loopback APP_HOST) that file is ignored
and each secret must be set explicitly, or the settings refuse to load and name what is missing.
"""

import ipaddress
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from api.secretfile import SECRETS_FILE

ROOT = Path(__file__).resolve().parent.parent
# secret → shortest value accepted (HS256 wants a key of at least 32 bytes)
SECRET_FIELDS = {"jwt_secret": 32, "service_token": 16, "rasa_token": 16}
# values that once shipped in the repository: public knowledge, never accepted as a secret
SHIPPED_SECRETS = frozenset({"dev-jwt-secret-change-me-please-32b", "dev-service-token-change-me"})


class MissingSecrets(RuntimeError):
    """A secret is missing, too short or a shipped value; the message names each one."""

    def __init__(self, names: list[str], *, production: bool) -> None:
        self.names = names
        where = (
            "production needs them set explicitly in the environment (var/secrets.env is ignored)"
            if production
            else "run `make run` or `python -m api.cli secrets` to generate var/secrets.env"
        )
        super().__init__(f"missing or unusable secrets: {', '.join(names)}; {where}")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """App settings; every field maps to an upper-case env var of the same name."""

    # later files win, env vars win over both: the operator's .env over the generated file
    model_config = SettingsConfigDict(env_file=(SECRETS_FILE, ".env"), extra="ignore")

    app_env: str = "development"
    app_host: str = "127.0.0.1"
    app_port: int = 8000
    # the internal listener (action server → app): always 127.0.0.1, never the public port
    internal_port: int = 8001
    public_url: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    action_url: str = "http://127.0.0.1:5055"
    engine_timeout_s: float = 8.0
    # while the engine is down the chat answers from the knowledge base and re-probes it this often
    engine_probe_s: float = 3.0
    database_url: str = f"sqlite:///{ROOT / 'var' / 'tuoyu.db'}"
    redis_url: str = ""
    engine_endpoints: str = "bot/endpoints.yml"  # health checks the engine's lock store in it
    service_token: str = ""
    hotline: str = "12345"
    hotline_name: str = "12345政务服务便民热线"
    jwt_secret: str = ""
    rasa_token: str = ""
    jwt_minutes: int = 480
    admin_password: str = ""
    wechat_token: str = ""
    wechat_appid: str = ""
    wechat_appsecret: str = ""
    wechat_aes_key: str = ""
    wechat_mode: str = "plain"
    wechat_reply_budget_s: float = 4.0
    log_level: str = "INFO"
    # staff console (api/auth, api/staff)
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    login_ip_max_failures: int = 30
    login_ip_window_minutes: int = 15
    repeat_window_days: int = 30
    # public status lookup (api/complaints/limits.py): rates per address and per ticket, lock
    # per address: generous enough for a shared address (an office, a campus NAT); the per-ticket rate and
    # lock below are what protect a PIN
    lookup_rate_address: str = "30/minute;300/day"
    lookup_rate_ticket: str = "10/minute;30/day"
    lookup_max_failures: int = 5
    lookup_lock_minutes: int = 1440
    rate_limit_prefix: str = "tuoyu-limits"
    sla_yellow_ratio: float = 0.25

    @property
    def is_production(self) -> bool:
        """Production is declared (APP_ENV) or implied by listening beyond this machine."""
        return self.app_env.strip().lower() == "production" or not is_loopback(self.app_host)

    def unusable_secrets(self) -> list[str]:
        """Env names of the secrets that are empty, too short or a value that shipped in the repo."""
        return [
            name.upper()
            for name, shortest in SECRET_FIELDS.items()
            if len(value := getattr(self, name)) < shortest or value in SHIPPED_SECRETS
        ]


def load_settings(*, secrets_file: Path = SECRETS_FILE) -> Settings:
    """Settings with usable secrets, or MissingSecrets; production never reads the generated file."""
    settings = Settings(_env_file=(secrets_file, ".env"))  # type: ignore[call-arg]
    production = settings.is_production
    if production:
        settings = Settings(_env_file=".env")  # type: ignore[call-arg]
    missing = settings.unusable_secrets()
    if missing:
        raise MissingSecrets(missing, production=production)
    return settings


@lru_cache
def get_settings() -> Settings:
    """Cached settings so env is read once per process; refuses to load without usable secrets."""
    return load_settings()
