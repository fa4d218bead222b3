"""Account operations: users, login with DB-backed lockout, token revocation, the audit log."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import throttle
from api.auth.models import ROLES, AuditLog, RevokedToken, User
from api.auth.security import hash_password, verify_password
from api.config import Settings
from api.db import utcnow
from knowledge.triage.loader import department_names as loaded_department_names

log = logging.getLogger(__name__)
MIN_PASSWORD = 10


class AccountError(ValueError):
    """Invalid account data (422) — message in Chinese."""


class AccountConflict(Exception):
    """Duplicate username, or the change would leave no active admin (409)."""


class LoginLocked(Exception):
    """Too many failures for this account or address (429)."""


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    ip: str | None = None,
    note: str | None = None,
) -> None:
    """Append an audit row; the caller commits."""
    session.add(AuditLog(actor=actor, action=action, target=target, ip=ip, note=note, at=utcnow()))


def department_names() -> list[str]:
    """Canonical department names (file order), from the triage domain's one loader."""
    return list(loaded_department_names())


def _check(*, role: str, department: str | None, password: str | None) -> None:
    """Role, department and password rules shared by create and update."""
    if role not in ROLES:
        raise AccountError(f"角色必须是 {'/'.join(ROLES)} 之一")
    if role == "department":
        if not department or department not in department_names():
            raise AccountError("部门账号必须填写规范的部门名称（见 /api/staff/departments）")
    elif department:
        raise AccountError("只有部门账号（department）才能填写部门")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位")


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    department: str | None = None,
    display_name: str | None = None,
    actor: str = "system",
) -> User:
    """Create and commit an account; raises AccountError / AccountConflict."""
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    _check(role=role, department=department, password=password)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        department=department,
        display_name=display_name,
        active=True,
        token_version=0,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise AccountConflict(f"用户名 {username} 已存在") from exc
    audit(session, actor=actor, action="user_created", target=username, note=role)
    session.commit()
    return user


def _active_admins(session: Session) -> int:
    """How many active admin accounts exist."""
    stmt = select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    return int(session.scalar(stmt) or 0)


def update_user(
    *,
    session: Session,
    user_id: int,
    actor: str,
    active: bool | None = None,
    password: str | None = None,
    role: str | None = None,
    department: str | None = None,
    display_name: str | None = None,
    department_given: bool = False,
) -> User | None:
    """Patch an account (None if no such id); password/role/active changes end its sessions."""
    user = session.get(User, user_id)
    if user is None:
        return None
    new_role = role or user.role
    new_department = department if department_given else user.department
    if role and role != "department" and not department_given:
        new_department = None
    _check(role=new_role, department=new_department, password=password)
    losing_admin = user.role == "admin" and user.active and (new_role != "admin" or active is False)
    if losing_admin and _active_admins(session) <= 1:
        raise AccountConflict("不能停用或降级最后一个管理员账号")
    changed: list[str] = []
    if password is not None:
        user.password_hash = hash_password(password)
        throttle.clear(session, key=_user_key(user.username))
        changed.append("password")
    if new_role != user.role:
        changed.append(f"role:{user.role}->{new_role}")
        user.role = new_role
    if new_department != user.department:
        changed.append(f"department:{new_department}")
        user.department = new_department
    if active is not None and active != user.active:
        changed.append(f"active:{active}")
        user.active = active
    if display_name is not None and display_name != user.display_name:
        changed.append("display_name")
        user.display_name = display_name
    if any(c.startswith(("password", "role", "active")) for c in changed):
        user.token_version += 1
    user.updated_at = utcnow()
    audit(session, actor=actor, action="user_updated", target=user.username, note=",".join(changed))
    session.commit()
    return user


def ensure_admin(*, session: Session, settings: Settings) -> User | None:
    """Create `admin` from ADMIN_PASSWORD when no admin exists yet (no default password ships)."""
    if not settings.admin_password:
        return None
    if session.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None:
        return None
    try:
        user = create_user(
            session=session,
            username="admin",
            password=settings.admin_password,
            role="admin",
            display_name="管理员",
            actor="bootstrap:ADMIN_PASSWORD",
        )
    except AccountConflict:  # another replica won the race, or 'admin' exists with another role
        return None
    except AccountError as exc:  # e.g. ADMIN_PASSWORD shorter than the minimum
        log.error("ADMIN_PASSWORD not usable: %s", exc)
        return None
    log.info("first admin account created from ADMIN_PASSWORD")
    return user


# --- login -------------------------------------------------------------------------------------


def _user_key(username: str) -> str:
    """Throttle key of an account name (also for names that do not exist: no enumeration)."""
    return f"user:{username.strip().lower()}"[:160]


def _ip_key(ip: str | None) -> str:
    """Throttle key of a client address."""
    return f"ip:{ip or '-'}"[:160]


def authenticate(
    *, session: Session, settings: Settings, username: str, password: str, ip: str | None
) -> User | None:
    """The active account for these credentials, None if wrong; raises LoginLocked when throttled.

    A slot is reserved per account and per address before the password is checked, so concurrent
    guesses check at most LOGIN_MAX_FAILURES passwords (api/throttle.py).
    """
    ensure_admin(session=session, settings=settings)
    user_key, ip_key = _user_key(username), _ip_key(ip)
    user_lock = timedelta(minutes=settings.login_lock_minutes)
    ip_window = timedelta(minutes=settings.login_ip_window_minutes)
    user_slot = throttle.reserve(
        session, key=user_key, limit=settings.login_max_failures, window=user_lock
    )
    ip_slot = None
    if user_slot is not None:
        ip_slot = throttle.reserve(
            session, key=ip_key, limit=settings.login_ip_max_failures, window=ip_window
        )
        if ip_slot is None:
            throttle.refund(session, key=user_key)
    if user_slot is None or ip_slot is None:
        audit(session, actor=username[:128], action="login_locked", target=username[:128], ip=ip)
        session.commit()
        raise LoginLocked(f"登录失败次数过多，请 {settings.login_lock_minutes} 分钟后再试")
    user = session.scalars(select(User).where(User.username == username.strip())).one_or_none()
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.active:
        throttle.failed(
            session,
            key=user_key,
            slot=user_slot,
            limit=settings.login_max_failures,
            lock=user_lock,
        )
        throttle.failed(
            session, key=ip_key, slot=ip_slot, limit=settings.login_ip_max_failures, lock=ip_window
        )
        audit(session, actor=username[:128], action="login_failed", target=username[:128], ip=ip)
        session.commit()
        return None
    throttle.clear(session, key=user_key)
    throttle.refund(session, key=ip_key)
    audit(session, actor=user.username, action="login", target=user.username, ip=ip)
    session.commit()
    return user


def locked_until(session: Session, username: str) -> datetime | None:
    """When the account's login lock ends (None if not locked)."""
    return throttle.locked_until(session, key=_user_key(username))


def revoke(session: Session, *, jti: str, expires_at: datetime) -> None:
    """Deny a token id until its expiry and drop long-expired entries; caller commits."""
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, expires_at=expires_at))


def is_revoked(session: Session, jti: str) -> bool:
    """True if the token id was logged out."""
    return session.get(RevokedToken, jti) is not None
