"""Which WeChat settings the channel needs in each mode, and the channel's fixed limits."""

from __future__ import annotations

from api.config import Settings

# plain: 明文模式; compat: 兼容模式 (both accepted); aes: 安全模式 (encrypted only).
MODES = ("plain", "compat", "aes")

PASSIVE_LIMIT_BYTES = 2048  # safe size of a passive text reply's Content (UTF-8)
CS_LIMIT_BYTES = 2048  # one customer-service text message
MAX_BODY_BYTES = 64 * 1024  # a push bigger than this is not from WeChat
MAX_ENGINE_TEXT = 1000  # the chat contract's text limit
SENDER_PREFIX = "wx:"
SENDER_MAX = 64

DEDUP_TTL_S = 60  # WeChat retries within 15 s; keep replies a little longer
OPTIONS_TTL_S = 30 * 60  # numbered options stay selectable for half an hour
MORE_TTL_S = 30 * 60  # the rest of a long answer, fetched with 「更多」
LATER_TTL_S = 24 * 60 * 60  # a late answer kept for the next message (no appsecret)
KEY_PREFIX = "tuoyu:wx"


def missing_settings(settings: Settings) -> list[str]:
    """Env var names the channel cannot run without (empty when it is configured)."""
    missing: list[str] = []
    if not settings.wechat_token:
        missing.append("WECHAT_TOKEN")
    if settings.wechat_mode not in MODES:
        missing.append(f"WECHAT_MODE (one of {', '.join(MODES)})")
    if settings.wechat_mode in ("compat", "aes"):
        if not settings.wechat_appid:
            missing.append("WECHAT_APPID")
        if len(settings.wechat_aes_key) != 43:
            missing.append("WECHAT_AES_KEY (43 characters)")
    return missing


def can_push(settings: Settings) -> bool:
    """Late answers can go out through the customer-service API only with AppID and AppSecret."""
    return bool(settings.wechat_appid and settings.wechat_appsecret)


def sender_id(openid: str) -> str:
    """The engine's conversation id for one WeChat user."""
    return (SENDER_PREFIX + openid)[:SENDER_MAX]


def mask(openid: str) -> str:
    """An OpenID as it may appear in logs."""
    return f"{openid[:4]}…" if openid else "?"


def key(kind: str, ident: str) -> str:
    """Store key of one piece of channel state (kind: msg, opts, more, later)."""
    return f"{KEY_PREFIX}:{kind}:{ident}"
