"""Account admin API and the `admin` CLI command."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from tests.api.staff_fixtures import PASSWORD, accounts, bearer, client  # noqa: F401


def test_only_admins_manage_accounts(client, bearer) -> None:
    assert client.get("/api/admin/users", headers=bearer("rexian01")).status_code == 403
    assert client.get("/api/admin/users").status_code == 401
    users = client.get("/api/admin/users", headers=bearer("guanli")).json()
    assert {u["username"] for u in users} >= {"rexian01", "scjg01", "guanli"}
    assert all("password" not in str(u) for u in users)


def test_create_department_account_and_log_in(client, bearer) -> None:
    admin = bearer("guanli")
    body = {
        "username": "fulian01",
        "password": "Fulian-mima-0001",
        "role": "department",
        "department": "区妇联",
        "display_name": "妇联 李姐",
    }
    r = client.post("/api/admin/users", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["department"] == "区妇联"
    assert client.post("/api/admin/users", json=body, headers=admin).status_code == 409
    token = client.post(
        "/api/auth/token", data={"username": "fulian01", "password": "Fulian-mima-0001"}
    )
    me = client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["role"] == "department" and me.json()["department"] == "区妇联"


def test_account_rules(client, bearer) -> None:
    admin = bearer("guanli")
    cases = [
        {"username": "x1", "password": "Changchang-mima", "role": "department"},  # no department
        {
            "username": "x2",
            "password": "Changchang-mima",
            "role": "department",
            "department": "妇联",
        },
        {
            "username": "x3",
            "password": "Changchang-mima",
            "role": "hotline",
            "department": "区妇联",
        },
        {"username": "x4", "password": "duan", "role": "hotline"},
    ]
    for body in cases:
        assert client.post("/api/admin/users", json=body, headers=admin).status_code == 422, body
    bad_role = {"username": "x5", "password": "Changchang-mima", "role": "boss"}
    assert client.post("/api/admin/users", json=bad_role, headers=admin).status_code == 422


def test_password_change_ends_sessions(client, bearer, accounts) -> None:
    old = bearer("rexian01")
    r = client.patch(
        f"/api/admin/users/{accounts['rexian01']}",
        json={"password": "Xin-mima-123456"},
        headers=bearer("guanli"),
    )
    assert r.status_code == 200
    assert client.get("/api/auth/me", headers=old).status_code == 401
    new = client.post(
        "/api/auth/token", data={"username": "rexian01", "password": "Xin-mima-123456"}
    )
    assert new.status_code == 200


def test_role_change_to_department_requires_department(client, bearer, accounts) -> None:
    admin = bearer("guanli")
    url = f"/api/admin/users/{accounts['rexian01']}"
    assert client.patch(url, json={"role": "department"}, headers=admin).status_code == 422
    r = client.patch(url, json={"role": "department", "department": "区住建局"}, headers=admin)
    assert r.status_code == 200 and r.json()["department"] == "区住建局"
    assert (
        client.patch("/api/admin/users/99999", json={"active": True}, headers=admin).status_code
        == 404
    )


def test_last_admin_cannot_be_removed(client, bearer, accounts, db_session) -> None:
    from api.auth.models import AuditLog

    admin = bearer("guanli")
    url = f"/api/admin/users/{accounts['guanli']}"
    assert client.patch(url, json={"active": False}, headers=admin).status_code == 409
    assert client.patch(url, json={"role": "hotline"}, headers=admin).status_code == 409
    db_session.expire_all()
    logged = db_session.scalars(select(AuditLog.action)).all()
    assert "login" in logged


def test_cli_admin_creates_and_resets(settings, db_session) -> None:
    from api.auth.models import User
    from api.auth.security import verify_password
    from api.cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["admin", "--username", "zhuguan", "--password", "Zhuguan-mima-01"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["admin", "--username", "zhuguan", "--password", "Zhuguan-mima-02"])
    assert r.exit_code == 0, r.output
    db_session.expire_all()
    user = db_session.scalars(select(User).where(User.username == "zhuguan")).one()
    assert user.role == "admin" and verify_password("Zhuguan-mima-02", user.password_hash)
    short = runner.invoke(cli, ["admin", "--username", "x", "--password", "short"])
    assert short.exit_code == 1


def test_cli_admin_prompts(settings, db_session) -> None:
    from api.auth.models import User
    from api.cli import cli

    r = CliRunner().invoke(cli, ["admin"], input="tishi\nTishi-mima-0001\nTishi-mima-0001\n")
    assert r.exit_code == 0, r.output
    db_session.expire_all()
    assert db_session.scalars(select(User.role).where(User.username == "tishi")).one() == "admin"


def test_migrate_creates_first_admin_from_admin_password(
    settings_override, database_url, db_session
) -> None:
    from api.auth.models import User
    from api.cli import cli

    settings_override(database_url=database_url, admin_password="Qianyi-guanli-001")
    r = CliRunner().invoke(cli, ["migrate"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["migrate"])  # idempotent: an admin exists now
    assert r.exit_code == 0, r.output
    db_session.expire_all()
    assert db_session.scalars(select(User.username).where(User.role == "admin")).all() == ["admin"]
