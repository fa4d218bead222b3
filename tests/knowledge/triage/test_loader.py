"""One loader for the department list: every reader takes it from knowledge.triage.loader."""

import ast
import re
from pathlib import Path

import pytest

from api.auth.service import department_names as account_departments
from knowledge.departments import departments as kb_departments
from knowledge.triage.data import _read
from knowledge.triage.loader import (
    DEPARTMENTS,
    TriageDataError,
    department_aliases,
    department_names,
    load_departments,
)
from tests.canonical import CANONICAL_DEPARTMENTS

ROOT = Path(__file__).resolve().parents[3]


def test_every_reader_uses_the_one_list() -> None:
    assert department_names() == CANONICAL_DEPARTMENTS
    assert tuple(account_departments()) == department_names()
    assert kb_departments() == department_names()
    assert DEPARTMENTS == ROOT / "knowledge" / "data" / "triage" / "departments.yml"


def test_aliases_resolve_to_canonical_names() -> None:
    aliases = department_aliases()
    assert aliases["卫健局"] == "区卫生健康局"
    assert aliases["派出所"] == "市公安局仁和区分局"
    assert set(aliases.values()) == set(load_departments())
    for dep in load_departments().values():
        assert aliases[dep.short] == dep.name


def test_no_other_module_reads_departments_yml() -> None:
    readers = [
        p.relative_to(ROOT).as_posix()
        for top in ("api", "knowledge")
        for p in (ROOT / top).rglob("*.py")
        if re.search(r"[\"']departments\.yml[\"']", p.read_text(encoding="utf-8"))
    ]
    assert readers == ["knowledge/triage/loader.py"], readers


def test_the_domain_imports_nothing_from_api() -> None:
    offenders = []
    for path in (ROOT / "knowledge").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == "api" or n.startswith("api.")]
    assert offenders == []


def test_a_labelled_file_with_an_unknown_department_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(
        "complaints:\n  - text: 乱收费\n    departments: [火星局]\n    urgency: normal\n",
        encoding="utf-8",
    )
    with pytest.raises(TriageDataError, match="火星局"):
        _read(path)
