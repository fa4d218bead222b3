"""Command line of the app runtime: migrations, a terminal chat, admin accounts."""

from __future__ import annotations

import uuid

import httpx
import typer
from rich.console import Console

from api.config import get_settings

cli = typer.Typer(help="托育助手 app commands", no_args_is_help=True)
console = Console()


@cli.command()
def migrate() -> None:
    """Apply the database migrations (Alembic upgrade head) to DATABASE_URL."""
    from api.db import upgrade_db

    upgrade_db()
    console.print("[green]database is up to date[/green]")


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
            response = httpx.post(f"{base}/api/chat", json={"sender_id": sender, "text": text}, timeout=30)
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


if __name__ == "__main__":
    cli()
