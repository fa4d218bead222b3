"""Public status lookup: PIN or phone last 4, and no oracle for wrong verifiers or unknown tickets."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.complaints.routes import internal_router, router


@pytest.fixture
def client(make_client: Any) -> TestClient:
    """Bare app with the complaints routers: public lookup and the internal filing."""
    return make_client(router, internal_router)


@pytest.fixture
def filed(client: TestClient, auth_headers: dict[str, str]) -> dict[str, Any]:
    """One complaint with phone 139****2468 and its one-time PIN."""
    body = {"text": "托儿所午饭太差了 娃天天饿着回来 😢", "channel": "web", "phone": "13901352468"}
    r = client.post("/api/complaints", json=body, headers=auth_headers)
    assert r.status_code == 201
    return r.json()


def _lookup(client: TestClient, ticket: str, verifier: str) -> Any:
    """POST /lookup without any auth header (it is public)."""
    return client.post("/api/complaints/lookup", json={"ticket": ticket, "verifier": verifier})


def test_lookup_with_pin(client, filed) -> None:
    r = _lookup(client, filed["ticket"], filed["pin"])
    assert r.status_code == 200
    data = r.json()
    assert set(data) == {"ticket", "state", "created_at", "updated_at", "result", "result_at"}
    assert data["result"] is None and data["result_at"] is None
    assert data["ticket"] == filed["ticket"]
    assert data["state"] == "待派单"


def test_lookup_with_phone_last4(client, filed) -> None:
    assert _lookup(client, filed["ticket"], "2468").status_code == 200


def test_lookup_accepts_ticket_as_typed(client, filed) -> None:
    sloppy = " " + filed["ticket"].lower().replace("-", " ") + " "
    r = _lookup(client, sloppy, filed["pin"])
    assert r.status_code == 200
    assert r.json()["ticket"] == filed["ticket"]


def test_lookup_accepts_the_separators_people_type(client, filed) -> None:
    day, seq = filed["ticket"][2:].split("-")
    for typed in (f"TY{day}—{seq}", f"ty{day}_{seq}", f"ＴＹ{day}－{seq}"):
        r = _lookup(client, typed, filed["pin"])
        assert r.status_code == 200, typed


def test_wrong_verifier_same_404_as_unknown_ticket(client, filed) -> None:
    wrong_pin = f"{(int(filed['pin']) + 1) % 10**6:06d}"
    responses = [
        _lookup(client, filed["ticket"], wrong_pin),
        _lookup(client, filed["ticket"], "1357"),
        _lookup(
            client, filed["ticket"], filed["pin"][-4:] if filed["pin"][-4:] != "2468" else "0000"
        ),
        _lookup(client, "TY19990101-0001", filed["pin"]),
        _lookup(client, "TY19990101-0001", "2468"),
        _lookup(client, "not-a-ticket", "2468"),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert len({r.text for r in responses}) == 1


def test_phone_last4_does_not_work_without_phone(client, auth_headers) -> None:
    body = {"text": "匿名反映：某托育点消防通道堵了", "channel": "wechat"}
    data = client.post("/api/complaints", json=body, headers=auth_headers).json()
    assert _lookup(client, data["ticket"], data["pin"]).status_code == 200
    assert _lookup(client, data["ticket"], data["pin"][:4]).status_code == 404


def test_fullwidth_verifier_and_ticket_accepted(client, filed) -> None:
    wide = filed["ticket"].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert _lookup(client, wide, "２４６８").status_code == 200


@pytest.mark.parametrize("verifier", ["", "12", "12345", "1234567", "abcdef", "١٢٣٤"])
def test_malformed_verifier_is_422(client, filed, verifier) -> None:
    assert _lookup(client, filed["ticket"], verifier).status_code == 422


def test_lookup_reflects_state_change(client, filed, settings) -> None:
    from api.complaints.service import change_state
    from api.db import get_sessionmaker

    with get_sessionmaker(settings.database_url)() as session:
        change_state(session=session, ticket=filed["ticket"], to_state="已派单", actor="staff:wang")
    data = _lookup(client, filed["ticket"], "2468").json()
    assert data["state"] == "已派单"
    assert data["updated_at"] >= data["created_at"]


def test_a_ticket_of_spaces_or_control_characters_is_a_clear_422(client) -> None:
    for ticket in ("      a", "\r6\x91\x80\xcf\xcd", "TY2026\x00"):
        r = _lookup(client, ticket, "2468")
        assert r.status_code == 422, ticket
        fields = [e["loc"][-1] for e in r.json()["detail"]]  # bare app: FastAPI's own format
        assert fields == ["ticket"]
