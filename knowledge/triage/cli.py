"""Command line: `python -m knowledge.triage.cli "投诉内容"` prints the triage as JSON."""

import json

import typer

from knowledge.triage.assign import triage
from knowledge.triage.models import MAX_TEXT

app = typer.Typer(
    add_completion=False, help="托育投诉分办：输出主办/协办部门、紧急程度、要素和个人信息位置。"
)


@app.command()
def main(text: str = typer.Argument(..., help="投诉原文（1–5000 字）")) -> None:
    """Triage one complaint and print the JSON response."""
    if not text.strip() or len(text) > MAX_TEXT:
        typer.echo(f"text 必须为 1–{MAX_TEXT} 字的非空文本", err=True)
        raise typer.Exit(code=2)
    result = triage(text=text)
    typer.echo(
        json.dumps(result.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2)
    )


if __name__ == "__main__":
    app()
