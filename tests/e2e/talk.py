"""Conversation helpers shared by the end-to-end tests: one turn, its text, what the app stored."""

from __future__ import annotations

import re
import sqlite3
import uuid
from typing import Any

from tests.e2e.stack import Stack

TICKET_RE = re.compile(r"TY\d{8}-\d{4}")


def new_sender(prefix: str = "e2e") -> str:
    """A fresh conversation id."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def say(stack: Stack, sender: str, text: str) -> dict[str, Any]:
    """One turn through the gateway; the body is {messages, kind}."""
    response = stack.chat(sender, text)
    assert response.status_code == 200, response.text
    return response.json()


def texts(body: dict[str, Any]) -> str:
    """Every message of the turn, one per line."""
    return "\n".join(m["text"] for m in body["messages"])


def last(body: dict[str, Any]) -> str:
    """The turn's last message (the question a form asks)."""
    return str(body["messages"][-1]["text"])


def stored(stack: Stack, sender: str) -> list[sqlite3.Row]:
    """The complaints the app stored for this conversation (read from its SQLite file)."""
    with sqlite3.connect(stack.workdir / "tuoyu.db") as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM complaints WHERE sender_id = ?", (sender,)).fetchall()
