"""Overrides teach: staff's departments and category become the case's, the statistics count them, and
the export is in the training-set format the department model reads."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from knowledge.triage.data import _read
from tests.api.staff_fixtures import accounts, bearer, client, file_case  # noqa: F401

FEE = "阳光宝宝托育园收了三个月学费，孩子只去了几天就不让退，电话13812345670"
EDU, MARKET, TAX = "区教育和体育局", "区市场监管局", "区税务局"


def _case(client, hotline, ticket):  # type: ignore[no-untyped-def]
    return client.get(f"/api/staff/cases/{ticket}", headers=hotline).json()


def _assign(client, hotline, ticket, **fields):  # type: ignore[no-untyped-def]
    r = client.post(
        f"/api/staff/cases/{ticket}/actions", headers=hotline, json={"action": "assign", **fields}
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_new_lead_moves_the_category_and_the_statistics(client, bearer, file_case) -> None:
    hotline = bearer("rexian01")
    ticket = file_case(FEE)
    before = _case(client, hotline, ticket)
    assert before["lead_department"] == MARKET and before["category"] == "收费/退费"
    after = _assign(client, hotline, ticket, departments=[TAX])
    assert after["lead_department"] == TAX
    assert after["category"] == "税收"  # a category the new lead leads, not the machine's
    override = next(e for e in after["events"] if e["action"] == "triage_override")
    change = json.loads(override["note"])
    assert change["chosen"] == [TAX]
    assert change["category"] == {"suggested": "收费/退费", "chosen": "税收"}
    stats = client.get("/api/staff/stats", headers=hotline).json()
    assert stats["by_category"] == {"税收": 1}
    assert stats["by_department"] == {TAX: 1}


def test_staff_category_wins_and_an_unknown_one_is_refused(client, bearer, file_case) -> None:
    hotline = bearer("rexian01")
    ticket = file_case(FEE)
    bad = client.post(
        f"/api/staff/cases/{ticket}/actions",
        headers=hotline,
        json={"action": "assign", "category": "火星事务"},
    )
    assert bad.status_code == 422
    after = _assign(client, hotline, ticket, departments=[MARKET], category="虚假宣传")
    assert after["category"] == "虚假宣传" and after["lead_department"] == MARKET
    stats = client.get("/api/staff/stats", headers=hotline).json()
    assert stats["by_category"] == {"虚假宣传": 1}


def test_accepting_the_suggestion_changes_nothing_and_exports_nothing(
    client, bearer, file_case
) -> None:
    hotline = bearer("rexian01")
    ticket = file_case(FEE)
    after = _assign(client, hotline, ticket)
    assert after["category"] == "收费/退费"
    assert not [e for e in after["events"] if e["action"] == "triage_override"]
    export = client.get("/api/staff/triage-overrides.yml", headers=hotline)
    assert yaml.safe_load(export.text)["complaints"] == []


def test_export_is_training_data_masked_and_hotline_only(
    client, bearer, file_case, tmp_path: Path
) -> None:
    hotline = bearer("rexian01")
    ticket = file_case(FEE)
    _assign(client, hotline, ticket, departments=[EDU, MARKET])
    export = client.get("/api/staff/triage-overrides.yml", headers=hotline)
    assert export.status_code == 200
    assert "13812345670" not in export.text
    path = tmp_path / "overrides.yml"
    path.write_text(export.text, encoding="utf-8")
    items = _read(path)  # the loader make train uses: same schema, known departments
    assert len(items) == 1
    assert items[0].departments == [EDU, MARKET]
    assert items[0].category == "早期教育/托班"
    assert (
        client.get("/api/staff/triage-overrides.yml", headers=bearer("scjg01")).status_code == 403
    )


@pytest.mark.parametrize("reassign_to", [[EDU]])
def test_reassign_moves_the_category_too(client, bearer, file_case, reassign_to) -> None:
    hotline = bearer("rexian01")
    ticket = file_case(FEE)
    _assign(client, hotline, ticket)
    r = client.post(
        f"/api/staff/cases/{ticket}/actions",
        headers=hotline,
        json={"action": "reassign", "departments": reassign_to, "note": "属早教问题"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["category"] == "早期教育/托班"
    stats = client.get("/api/staff/stats", headers=hotline).json()
    assert stats["by_category"] == {"早期教育/托班": 1}
