"""Request and response bodies of the auth and account-admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["hotline", "department", "admin"]


class LoginRequest(BaseModel):
    """Console sign-in."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserRead(BaseModel):
    """An account as the console shows it (never the hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str
    department: str | None
    display_name: str | None
    active: bool


class UserAdminRead(UserRead):
    """An account in the admin list, with its lock state."""

    created_at: datetime
    locked_until: datetime | None = None


class LoginResponse(BaseModel):
    """Who logged in, and the CSRF value (also in the readable tuoyu_csrf cookie)."""

    user: UserRead
    csrf_token: str
    expires_at: datetime


class TokenResponse(BaseModel):
    """OAuth2 password-flow answer."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(BaseModel):
    """New account (admin only)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-@]+$")
    password: str = Field(min_length=1, max_length=256)
    role: Role
    department: str | None = Field(default=None, max_length=64)
    display_name: str | None = Field(default=None, max_length=64)


class UserPatch(BaseModel):
    """Partial account change (admin only); absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=256)
    role: Role | None = None
    department: str | None = Field(default=None, max_length=64)
    display_name: str | None = Field(default=None, max_length=64)


class Ok(BaseModel):
    """Plain acknowledgement."""

    ok: bool = True
