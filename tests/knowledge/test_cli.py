"""The terminal tool runs end to end on the packaged data."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from knowledge.cli import app

runner = CliRunner()


def test_search_prints_the_top_entry_and_timing() -> None:
    result = runner.invoke(app, ["search", "陪产假几天", "--top-k", "2"])
    assert result.exit_code == 0, result.output
    assert "paternity-leave" in result.output and "ms" in result.output


def test_ask_prints_an_answer_with_the_hotline_filled() -> None:
    result = runner.invoke(app, ["ask", "深圳产假多少天"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "out_of_scope" and "12345" in data["text"]


def test_check_counts_entries() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0 and "total" in result.output
