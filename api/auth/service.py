"""Account operations: users, login with DB-backed lockout, token revocation, the audit log."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.models import ROLES, AuditLog, LoginThrottle, RevokedToken, User
from api.auth.security import hash_password, verify_password
from api.config import Settings
from api.db import utcnow

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
    """Canonical department names from knowledge/data/departments.yml (file order)."""
    from api.triage.loader import load_departments

    return list(load_departments())


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
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == _user_key(user.username)))
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


def _throttle_row(session: Session, key: str) -> LoginThrottle:
    """The row for `key`, locked for update on PostgreSQL; created if missing."""
    row = session.scalars(
        select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    ).one_or_none()
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_start=utcnow(), locked_until=None)
        try:
            with session.begin_nested():  # savepoint: a lost insert race keeps the rest
                session.add(row)
        except IntegrityError:
            return _throttle_row(session, key)
    return row


def _locked(session: Session, key: str, now: datetime) -> bool:
    """True while the key's lock lasts."""
    row = session.get(LoginThrottle, key)
    return bool(row and row.locked_until and row.locked_until > now)


def _fail(session: Session, *, key: str, limit: int, window: timedelta, lock: timedelta) -> None:
    """Count one failure inside the window; lock the key once `limit` is reached."""
    now = utcnow()
    row = _throttle_row(session, key)
    if row.window_start + window < now:
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + lock
        row.failures, row.window_start = 0, now


def authenticate(
    *, session: Session, settings: Settings, username: str, password: str, ip: str | None
) -> User | None:
    """The active account for these credentials, None if wrong; raises LoginLocked when throttled."""
    ensure_admin(session=session, settings=settings)
    now = utcnow()
    user_key, ip_key = _user_key(username), f"ip:{ip or '-'}"[:160]
    if _locked(session, user_key, now) or _locked(session, ip_key, now):
        audit(session, actor=username[:128], action="login_locked", target=username[:128], ip=ip)
        session.commit()
        raise LoginLocked(f"登录失败次数过多，请 {settings.login_lock_minutes} 分钟后再试")
    user = session.scalars(select(User).where(User.username == username.strip())).one_or_none()
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.active:
        lock = timedelta(minutes=settings.login_lock_minutes)
        _fail(session, key=user_key, limit=settings.login_max_failures, window=lock, lock=lock)
        _fail(
            session,
            key=ip_key,
            limit=settings.login_ip_max_failures,
            window=timedelta(minutes=settings.login_ip_window_minutes),
            lock=timedelta(minutes=settings.login_ip_window_minutes),
        )
        audit(session, actor=username[:128], action="login_failed", target=username[:128], ip=ip)
        session.commit()
        return None
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == user_key))
    audit(session, actor=user.username, action="login", target=user.username, ip=ip)
    session.commit()
    return user


def locked_until(session: Session, username: str) -> datetime | None:
    """When the account's login lock ends (None if not locked)."""
    row = session.get(LoginThrottle, _user_key(username))
    return row.locked_until if row and row.locked_until and row.locked_until > utcnow() else None


def revoke(session: Session, *, jti: str, expires_at: datetime) -> None:
    """Deny a token id until its expiry and drop long-expired entries; caller commits."""
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, expires_at=expires_at))


def is_revoked(session: Session, jti: str) -> bool:
    """True if the token id was logged out."""
    return session.get(RevokedToken, jti) is not None
