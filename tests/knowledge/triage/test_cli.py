"""python -m knowledge.triage.cli prints the triage JSON."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_cli_prints_json() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "knowledge.triage.cli", "托育园乱收费，电话13812345678"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["departments"][0]["name"] == "区市场监管局"
    assert data["pii"] == [{"type": "phone", "span": [9, 20]}]


def test_cli_rejects_empty() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "knowledge.triage.cli", "   "],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "1–5000" in out.stderr
