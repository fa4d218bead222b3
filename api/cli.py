"""Command line of the app runtime: local secrets, training with progress, migrations, readiness, a terminal chat, admin accounts, triage overrides."""

from __future__ import annotations

import os
import uuid

import httpx
import typer
from rich.console import Console

from api.config import get_settings

cli = typer.Typer(help="托育助手 app commands", no_args_is_help=True)
console = Console()


@cli.command()
def secrets() -> None:
    """Generate the local secrets (JWT, service token, Rasa API token) into var/secrets.env, once."""
    from api.secretfile import SECRETS_FILE, ensure_secrets

    added = ensure_secrets(SECRETS_FILE)
    if added:
        console.print(f"[green]generated {', '.join(added)} in {SECRETS_FILE}[/green]")


@cli.command()
def migrate() -> None:
    """Apply the database migrations (Alembic upgrade head) to DATABASE_URL."""
    from api.auth.startup import bootstrap_admin
    from api.db import upgrade_db

    upgrade_db()
    bootstrap_admin(get_settings())  # first admin from ADMIN_PASSWORD, if set and none exists
    console.print("[green]database is up to date[/green]")


@cli.command()
def train() -> None:
    """Train the Rasa model (engine runtime) with one progress line; full output in var/train.log."""
    from api.firstrun import train as run_training

    raise typer.Exit(run_training())


@cli.command()
def ready(
    url: str = typer.Option("", help="app base URL; default from APP_HOST/APP_PORT"),
    stay: bool = typer.Option(
        True, help="keep running afterwards (honcho stops all when one exits)"
    ),
) -> None:
    """Wait until /api/health is ok, then print the URL once (the Procfile's `ready` process)."""
    import signal

    from api.firstrun import wait_ready

    host = os.environ.get("APP_HOST", "127.0.0.1")
    base = url or f"http://{host}:{os.environ.get('APP_PORT', '8000')}"
    wait_ready(health_url=f"{base}/api/health", public_url=base)
    if stay:
        signal.pause()


@cli.command()
def chat(url: str = typer.Option("", help="app base URL; default from APP_HOST/APP_PORT")) -> None:
    """Chat with a running stack (`make run` in another terminal) through /api/chat."""
    settings = get_settings()
    base = url or f"http://{settings.app_host}:{settings.app_port}"
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    console.print(f"[bold]托育助手[/bold] — {base}（输入 /exit 退出）")
    while True:
        try:
            text = console.input("[cyan]您：[/cyan]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if text in {"/exit", "/quit"}:
            break
        if not text:
            continue
        try:
            response = httpx.post(
                f"{base}/api/chat", json={"sender_id": sender, "text": text}, timeout=30
            )
        except httpx.HTTPError as error:
            console.print(f"[red]连接失败：{error}[/red]")
            continue
        body = response.json()
        if response.status_code != 200:
            console.print(f"[red]{response.status_code} {body.get('detail')}[/red]")
            continue
        for message in body["messages"]:
            console.print(f"[green]助手[/green]（{body['kind']}）：{message['text']}")
            for i, button in enumerate(message.get("buttons") or [], 1):
                console.print(f"   [{i}] {button['title']}")
            for source in message.get("sources") or []:
                console.print(f"   [dim]依据：{source['doc']} {source['section']}[/dim]")


@cli.command("export-overrides")
def export_overrides(
    out: str = typer.Option("var/triage/overrides.yml", help="where to write the YAML"),
) -> None:
    """Staff corrections of triage in the training-set format (PII-masked), for review and make train."""
    from pathlib import Path

    from api.db import get_sessionmaker, upgrade_db
    from api.staff.export import overrides_training_set

    upgrade_db()
    with get_sessionmaker()() as session:
        text = overrides_training_set(session)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    console.print(f"[green]{text.count('- text:')} corrected cases written to {path}[/green]")


@cli.command()
def admin(
    username: str = typer.Option("", help="account name (prompted if omitted)"),
    password: str = typer.Option("", help="password, at least 10 characters (prompted if omitted)"),
) -> None:
    """Create an admin account, or reset the password of an existing one (and unlock it)."""
    from sqlalchemy import select

    from api.auth.models import User
    from api.auth.service import AccountConflict, AccountError, create_user, update_user
    from api.db import get_sessionmaker, upgrade_db

    username = username or typer.prompt("管理员用户名", default="admin")
    password = password or typer.prompt(
        "密码（至少 10 位）", hide_input=True, confirmation_prompt=True
    )
    upgrade_db()
    with get_sessionmaker()() as session:
        existing = session.scalars(select(User).where(User.username == username)).one_or_none()
        try:
            if existing is None:
                create_user(
                    session=session,
                    username=username,
                    password=password,
                    role="admin",
                    display_name="管理员",
                    actor="cli",
                )
                console.print(f"[green]管理员账号 {username} 已创建[/green]")
            else:
                update_user(
                    session=session,
                    user_id=existing.id,
                    actor="cli",
                    password=password,
                    role="admin",
                    active=True,
                )
                console.print(f"[green]账号 {username} 已设为管理员并重置密码[/green]")
        except (AccountError, AccountConflict) as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from error


if __name__ == "__main__":
    cli()
