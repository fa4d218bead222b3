"""HTTP routes: login (cookie session + CSRF), OAuth2 token, logout, me, and account admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from api.auth import service
from api.auth.deps import Principal, PrincipalDep, SessionDep, require_roles
from api.auth.models import User
from api.auth.schemas import (
    LoginRequest,
    LoginResponse,
    Ok,
    TokenResponse,
    UserAdminRead,
    UserCreate,
    UserPatch,
    UserRead,
)
from api.auth.security import CSRF_COOKIE, SESSION_COOKIE, IssuedToken, TokenType, issue_token
from api.config import get_settings

router = APIRouter(prefix="/api/auth", tags=["auth"])
admin_router = APIRouter(prefix="/api/admin", tags=["admin"])

BAD_LOGIN = "用户名或密码不正确"
AdminDep = Annotated[Principal, Depends(require_roles("admin"))]


def _client_ip(request: Request) -> str | None:
    """Peer address used for the per-IP login limit."""
    return request.client.host if request.client else None


def _login(request: Request, session: SessionDep, username: str, password: str) -> User:
    """Authenticate or raise 401/429 (same 401 for unknown user and wrong password)."""
    try:
        user = service.authenticate(
            session=session,
            settings=get_settings(),
            username=username,
            password=password,
            ip=_client_ip(request),
        )
    except service.LoginLocked as exc:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(exc)) from exc
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, BAD_LOGIN, headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def _issue(user: User, *, kind: TokenType) -> IssuedToken:
    """A console session or API access token for this user, with the configured lifetime."""
    settings = get_settings()
    return issue_token(
        secret=settings.jwt_secret,
        user_id=user.id,
        role=user.role,
        token_version=user.token_version,
        minutes=settings.jwt_minutes,
        kind=kind,
    )


@router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest, request: Request, response: Response, session: SessionDep
) -> LoginResponse:
    """Console sign-in: HttpOnly session cookie (JWT) plus a readable CSRF cookie."""
    settings = get_settings()
    user = _login(request, session, body.username, body.password)
    issued = _issue(user, kind="session")
    max_age = settings.jwt_minutes * 60
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        issued.csrf or "",
        max_age=max_age,
        httponly=False,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    return LoginResponse(
        user=UserRead.model_validate(user),
        csrf_token=issued.csrf or "",
        expires_at=issued.expires_at,
    )


@router.post("/token", response_model=TokenResponse)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: SessionDep
) -> TokenResponse:
    """OAuth2 password flow for API clients: a bearer token, no CSRF needed."""
    settings = get_settings()
    user = _login(request, session, form.username, form.password)
    issued = _issue(user, kind="access")
    return TokenResponse(access_token=issued.token, expires_in=settings.jwt_minutes * 60)


@router.post("/logout", response_model=Ok)
def logout(
    principal: PrincipalDep, request: Request, response: Response, session: SessionDep
) -> Ok:
    """Revoke the presenting token and clear the cookies."""
    service.revoke(session, jti=str(principal.claims["jti"]), expires_at=principal.expires_at)
    service.audit(session, actor=principal.actor, action="logout", ip=_client_ip(request))
    session.commit()
    settings = get_settings()
    for name, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(
            name, path="/", samesite="strict", httponly=httponly, secure=settings.cookie_secure
        )
    return Ok()


@router.get("/me", response_model=UserRead)
def me(principal: PrincipalDep) -> UserRead:
    """The logged-in account."""
    return UserRead.model_validate(principal.user)


def _admin_read(session: SessionDep, user: User) -> UserAdminRead:
    """Account row plus its current login lock."""
    read = UserAdminRead.model_validate(user)
    read.locked_until = service.locked_until(session, user.username)
    return read


@admin_router.get("/users", response_model=list[UserAdminRead])
def list_users(_admin: AdminDep, session: SessionDep) -> list[UserAdminRead]:
    """Every account, oldest first."""
    users = session.scalars(select(User).order_by(User.id)).all()
    return [_admin_read(session, u) for u in users]


@admin_router.post("/users", response_model=UserAdminRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, admin: AdminDep, session: SessionDep) -> UserAdminRead:
    """Create an account."""
    try:
        user = service.create_user(
            session=session,
            username=body.username,
            password=body.password,
            role=body.role,
            department=body.department,
            display_name=body.display_name,
            actor=admin.actor,
        )
    except service.AccountError as exc:
        raise HTTPException(422, str(exc)) from exc
    except service.AccountConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return _admin_read(session, user)


@admin_router.patch("/users/{user_id}", response_model=UserAdminRead)
def patch_user(
    user_id: int, body: UserPatch, admin: AdminDep, session: SessionDep
) -> UserAdminRead:
    """Change an account; password/role/active changes end its sessions."""
    try:
        user = service.update_user(
            session=session,
            user_id=user_id,
            actor=admin.actor,
            active=body.active,
            password=body.password,
            role=body.role,
            department=body.department,
            display_name=body.display_name,
            department_given="department" in body.model_fields_set,
        )
    except service.AccountError as exc:
        raise HTTPException(422, str(exc)) from exc
    except service.AccountConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "没有这个账号")
    return _admin_read(session, user)
