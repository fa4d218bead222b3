"""Masking where a person does not need the data: department search/filters/CSV, event notes, logs."""

# ruff: noqa: F811  (pytest fixtures imported from tests.api.staff_fixtures)

from __future__ import annotations

import csv
import io
import json
import logging

import pytest

from tests.api.staff_fixtures import accounts, bearer, client, file_case, set_state  # noqa: F401

TEXT = "童趣托育园退费拖了两个月 家长群里都在骂 我电话13812345678 身份证510402199001011234"
LEAD = ["区市场监管局", "区教育和体育局"]


@pytest.fixture
def dispatched(file_case, set_state) -> str:  # type: ignore[no-untyped-def]
    ticket = file_case(TEXT, phone="13812345678", institution="童趣托育园")
    set_state(ticket, "已派单", LEAD)
    return str(ticket)


def _tickets(client, headers, q: str, path: str = "/api/staff/cases") -> list[str]:  # type: ignore[no-untyped-def]
    r = client.get(path, params={"q": q}, headers=headers)
    assert r.status_code == 200, r.text
    return [item["ticket"] for item in r.json()["items"]]


@pytest.mark.parametrize("q", ["1234", "5678", "3812", "13812345678", "138", "0101", "510402"])
def test_department_search_cannot_match_personal_digits(client, bearer, dispatched, q) -> None:
    officer = bearer("scjg01")
    assert _tickets(client, officer, q) == []
    assert _tickets(client, officer, q, "/api/staff/overdue") == []
    r = client.get("/api/staff/export.csv", params={"q": q}, headers=officer)
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only


def test_department_search_still_finds_the_case_by_its_words(client, bearer, dispatched) -> None:
    officer = bearer("scjg01")
    assert _tickets(client, officer, "退费") == [dispatched]
    assert _tickets(client, officer, "童趣") == [dispatched]
    assert _tickets(client, officer, dispatched) == [dispatched]


@pytest.mark.parametrize("q", ["1234", "13812345678"])
def test_hotline_with_reveal_right_may_match_the_number(client, bearer, dispatched, q) -> None:
    assert _tickets(client, bearer("rexian01"), q) == [dispatched]


def test_department_csv_masks_the_text(client, bearer, dispatched) -> None:
    body = client.get("/api/staff/export.csv", headers=bearer("scjg01")).content.decode("utf-8-sig")
    assert dispatched in body and "13812345678" not in body and "12345678" not in body
    assert "138****5678" in body


def test_notes_with_a_phone_are_masked_for_departments(client, bearer, dispatched) -> None:
    hotline = bearer("rexian01")
    note = {"action": "note", "note": "来电人又打来了，回拨13998765432，她叫我叫李秀英"}
    r = client.post(f"/api/staff/cases/{dispatched}/actions", json=note, headers=hotline)
    assert r.status_code == 200, r.text
    hotline_view = client.get(f"/api/staff/cases/{dispatched}", headers=hotline).json()
    assert any("13998765432" in (e["note"] or "") for e in hotline_view["events"])

    officer = client.get(f"/api/staff/cases/{dispatched}", headers=bearer("scjg01")).json()
    dumped = json.dumps(officer, ensure_ascii=False)
    assert "13998765432" not in dumped and "99876" not in dumped
    assert any("139****5432" in (e["note"] or "") for e in officer["events"])


def test_department_cannot_find_a_case_by_the_digits_of_a_note(client, bearer, dispatched) -> None:
    note = {"action": "note", "note": "回拨号码 13700001111"}
    client.post(f"/api/staff/cases/{dispatched}/actions", json=note, headers=bearer("rexian01"))
    assert _tickets(client, bearer("scjg01"), "0000") == []


def test_log_lines_mask_names_phones_and_encoded_queries() -> None:
    from api.logmask import PiiFilter

    def render(msg: str, *args: object) -> str:
        record = logging.LogRecord("api.x", logging.INFO, __file__, 1, msg, args, None)
        PiiFilter().filter(record)
        return record.getMessage()

    assert "13812345678" not in render("call back %s", "13812345678")
    line = render("text=%s", "我叫张伟，孩子在园里摔伤了")
    assert "张伟" not in line and "张*" in line
    access = render(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:50000",
        "GET",
        "/api/staff/cases?q=%E6%88%91%E5%8F%AB%E5%BC%A0%E4%BC%9F%2013812345678",
        "1.1",
        200,
    )
    assert "13812345678" not in access and "张伟" not in access and "GET" in access
    assert render("plain %s line", "health") == "plain health line"
