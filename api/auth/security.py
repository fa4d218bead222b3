"""Password hashing (argon2) and the JWTs of staff sessions and bearer tokens."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import jwt
from pwdlib import PasswordHash

ALGORITHM = "HS256"
TokenType = Literal["access", "session"]
SESSION_COOKIE = "tuoyu_session"
CSRF_COOKIE = "tuoyu_csrf"
CSRF_HEADER = "X-CSRF-Token"


@lru_cache
def _hasher() -> PasswordHash:
    """argon2id with pwdlib's recommended parameters (built once)."""
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    """Salted argon2 hash of a password."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True if `password` matches; a missing hash still costs one hash so timing gives nothing away."""
    if not password_hash:
        _hasher().hash(password)
        return False
    try:
        return bool(_hasher().verify(password, password_hash))
    except Exception:  # malformed hash in the DB is a failed login, not a crash
        return False


@dataclass(frozen=True)
class IssuedToken:
    """An encoded JWT with the claims the caller needs (id, expiry, CSRF value)."""

    token: str
    jti: str
    expires_at: datetime
    csrf: str | None


def issue_token(
    *,
    secret: str,
    user_id: int,
    role: str,
    token_version: int,
    minutes: int,
    kind: TokenType,
    now: datetime | None = None,
) -> IssuedToken:
    """Sign a token; session tokens carry the CSRF value bound to them."""
    issued = now or datetime.now(UTC)
    expires = issued + timedelta(minutes=minutes)
    jti = uuid.uuid4().hex
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "typ": kind,
        "tv": token_version,
        "jti": jti,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
    }
    if csrf:
        claims["csrf"] = csrf
    return IssuedToken(jwt.encode(claims, secret, algorithm=ALGORITHM), jti, expires, csrf)


def decode_token(token: str, *, secret: str, kind: TokenType) -> dict[str, Any] | None:
    """Claims of a valid, unexpired token of the given kind, else None."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "jti", "typ"]}
        )
    except jwt.PyJWTError:
        return None
    return claims if claims.get("typ") == kind else None
