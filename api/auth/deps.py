"""FastAPI dependencies: which staff account is calling (JWT by bearer, or cookie + CSRF).

The service token is not a principal here: it only opens the internal listener (api.deps)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from api.auth.models import User
from api.auth.security import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, decode_token
from api.auth.service import is_revoked
from api.config import get_settings
from api.db import get_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_LOGGED_IN = "未登录或登录已过期，请重新登录"


@dataclass(frozen=True)
class Principal:
    """The caller: a staff account with its token claims."""

    user: User
    claims: dict[str, Any]
    via: str  # "bearer" | "cookie"

    @property
    def actor(self) -> str:
        """Name written into events and the audit log: the account the token names."""
        return f"staff:{self.user.username}"

    @property
    def expires_at(self) -> datetime:
        """Expiry of the presenting token."""
        return datetime.fromtimestamp(int(self.claims.get("exp", 0)), UTC)


def _unauthorized(detail: str = NOT_LOGGED_IN) -> HTTPException:
    """401 with the bearer challenge."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def _user_for(session: Session, claims: dict[str, Any] | None) -> User:
    """The active account a valid, unrevoked token names; 401 otherwise."""
    if claims is None:
        raise _unauthorized()
    try:
        user = session.get(User, int(claims["sub"]))
    except (TypeError, ValueError):
        user = None
    if user is None or not user.active or user.token_version != claims.get("tv"):
        raise _unauthorized()
    if is_revoked(session, str(claims["jti"])):
        raise _unauthorized()
    return user


def _check_csrf(request: Request, claims: dict[str, Any]) -> None:
    """State-changing cookie requests must echo the CSRF cookie, bound to the session JWT."""
    if request.method in SAFE_METHODS:
        return
    header = request.headers.get(CSRF_HEADER) or ""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    bound = str(claims.get("csrf") or "")
    ok = bool(header) and hmac.compare_digest(header.encode(), cookie.encode())
    if not ok or not hmac.compare_digest(header.encode(), bound.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF 校验失败：缺少或错误的 X-CSRF-Token")


def resolve_principal(request: Request, session: Session) -> Principal:
    """Authenticate the request; the Authorization header wins over the cookie."""
    settings = get_settings()
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        claims = decode_token(token, secret=settings.jwt_secret, kind="access")
        return Principal(user=_user_for(session, claims), claims=claims or {}, via="bearer")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        claims = decode_token(cookie, secret=settings.jwt_secret, kind="session")
        user = _user_for(session, claims)
        _check_csrf(request, claims or {})
        return Principal(user=user, claims=claims or {}, via="cookie")
    raise _unauthorized()


SessionDep = Annotated[Session, Depends(get_session)]


def current_principal(request: Request, session: SessionDep) -> Principal:
    """Any logged-in staff account (no service token)."""
    return resolve_principal(request, session)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[..., Principal]:
    """Dependency factory: 403 unless the staff account has one of `roles`."""

    def check(principal: PrincipalDep) -> Principal:
        if principal.user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "当前账号无权执行此操作")
        return principal

    return check
