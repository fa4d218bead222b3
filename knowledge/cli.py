"""Terminal tools to try the knowledge base: `python -m knowledge.cli search "…"` and `ask "…"`."""

from __future__ import annotations

import json
import time

import typer
from rich.console import Console
from rich.table import Table

from knowledge.answer import answer
from knowledge.loader import load_entries
from knowledge.retrieval import expand, get_retriever
from knowledge.text import tokenize

app = typer.Typer(help="托育助手 knowledge base tools", no_args_is_help=True)
console = Console()


@app.command()
def search(
    text: str,
    intent: str = typer.Option(None, help="NLU intent to match"),
    top_k: int = typer.Option(5, help="how many hits"),
    tokens: bool = typer.Option(False, help="show query tokens"),
) -> None:
    """Rank entries for TEXT and show scores and timing."""
    retriever = get_retriever()
    started = time.perf_counter()
    hits = retriever.search(text, intent=intent, top_k=top_k)
    elapsed = (time.perf_counter() - started) * 1000
    if tokens:
        console.print(tokenize(expand(text)))
    table = Table(title=f"{text}  ({elapsed:.1f} ms)")
    for column in ("score", "lexical", "intent", "id", "title"):
        table.add_column(column)
    for hit in hits:
        table.add_row(
            f"{hit.score:.3f}",
            f"{hit.lexical:.3f}",
            "✓" if hit.intent_match else "",
            hit.entry.id,
            hit.entry.title,
        )
    console.print(table)


@app.command()
def ask(
    text: str,
    intent: str = typer.Option(None, help="NLU intent"),
    confidence: float = typer.Option(0.0, help="NLU confidence"),
    topic: str = typer.Option(None, help="previous answer's entry id"),
) -> None:
    """Full answer() for TEXT, printed as JSON."""
    result = answer(
        text=text,
        intent=intent,
        confidence=confidence,
        context={"topic": topic} if topic else None,
        hotline="12345",
    )
    console.print_json(json.dumps(result.model_dump(), ensure_ascii=False))


@app.command()
def check() -> None:
    """Validate the data files and print how many entries each topic has."""
    entries = load_entries()
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.group] = counts.get(entry.group, 0) + 1
    console.print(counts, f"total {len(entries)}")


if __name__ == "__main__":
    app()
