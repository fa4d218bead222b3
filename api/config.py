"""One settings object for the app runtime, read from env vars (prefix-free, documented in README)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """App settings; every field maps to an upper-case env var of the same name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_host: str = "127.0.0.1"
    app_port: int = 8000
    public_url: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    action_url: str = "http://127.0.0.1:5055"
    engine_timeout_s: float = 8.0
    database_url: str = f"sqlite:///{ROOT / 'var' / 'tuoyu.db'}"
    redis_url: str = ""
    service_token: str = Field(default="dev-service-token-change-me", min_length=8)
    hotline: str = "12345"
    hotline_name: str = "12345政务服务便民热线"
    jwt_secret: str = "dev-jwt-secret-change-me-please-32b"
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
    sla_yellow_ratio: float = 0.25


@lru_cache
def get_settings() -> Settings:
    """Cached settings so env is read once per process."""
    return Settings()
