"""Internal endpoints of the guided conversations: operator checklist, leave calculator, clarify, hand-off."""

from __future__ import annotations

import datetime as dt
import itertools
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.errors import install_error_handlers
from api.guides.routes import router
from knowledge.models import INTENTS
from tests.conftest import TEST_SERVICE_TOKEN, create_test_app

AUTH = {"Authorization": f"Bearer {TEST_SERVICE_TOKEN}"}
TODAY = "2026-11-28"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def client(settings_override: Callable[..., Settings]) -> Iterator[TestClient]:
    """Bare app with the guides router; Rasa points at a port nobody listens on."""
    settings_override(
        service_token=TEST_SERVICE_TOKEN,
        hotline="12399",
        hotline_name="测试热线",
        rasa_url=f"http://127.0.0.1:{_closed_port()}",
    )
    app = create_test_app(router)
    install_error_handlers(app)
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_service_token_is_required(client: TestClient) -> None:
    assert client.post("/api/internal/leave", json={"event": "birth"}).status_code == 401
    wrong = {"Authorization": "Bearer nope-nope-nope"}
    assert client.post("/api/internal/handoff/abc/release", headers=wrong).status_code == 401


def test_operator_parse_reads_several_answers(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/operator/parse",
        {"text": "营利性的 租的小区里的房子 全日制 收2到3岁", "intent": "inform"},
    )
    assert body["answers"] == {
        "nature": "for_profit",
        "premises": "rented",
        "location": "residential",
        "services": ["full_day"],
        "ages": ["age_2_3"],
    }
    assert body["step_aside"] is False


def test_operator_parse_says_which_questions_still_matter(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/operator/parse",
        {"text": "开在写字楼里", "intent": "inform", "filled": {"nature": "for_profit"}},
    )
    assert body["answers"] == {"location": "other"}
    assert body["needed"] == ["nature", "premises", "location", "services"]


def test_a_question_the_rules_do_not_route_is_answered_inside_the_guide(
    client: TestClient,
) -> None:
    body = _post(
        client,
        "/api/internal/operator/parse",
        {"text": "托育机构交税的事归哪个部门管呀", "intent": "inform"},
    )
    assert body["answers"] == {} and body["step_aside"] is False
    assert body["answer"] and "税务" in body["answer"]["text"]


@pytest.mark.parametrize(
    ("text", "intent", "aside"),
    [
        ("保育员要不要持证？", "ask_staff_qualification", True),
        ("全日制", "ask_service_types", False),
        ("全日制和半日制有啥区别吗", "ask_service_types", True),
        ("转人工", "human_handoff", True),
        ("不对 是非营利的", "correct", False),
        ("我说错了", "correct", True),
        ("嗯嗯", "affirm", False),
    ],
)
def test_operator_parse_knows_when_to_step_aside(
    client: TestClient, text: str, intent: str, aside: bool
) -> None:
    assert (
        _post(client, "/api/internal/operator/parse", {"text": text, "intent": intent})[
            "step_aside"
        ]
        is aside
    )


def test_rented_for_profit_checklist(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/operator-checklist",
        {
            "nature": "for_profit",
            "premises": "rented",
            "location": "residential",
            "services": ["full_day", "hourly"],
            "ages": ["age_2_3"],
        },
    )
    assert body["kind"] == "form"
    titles = [s["title"] for s in body["steps"]]
    assert (
        "房屋租赁登记备案" in titles and "房屋安全鉴定" in titles and "营利性机构注册登记" in titles
    )
    assert [s["number"] for s in body["steps"]] == list(range(1, len(titles) + 1))
    assert "区市场监管局" in body["text"] and "区民政局" not in body["text"]
    for phrase in ("持证上岗", "育婴员、保育员、保健员、保安员", "第一责任人", "人防、技防和物防"):
        assert phrase in body["text"]
    assert all(s["doc"].startswith("攀仁府办〔2020〕128号") for s in body["sources"])
    assert all(s["sources"] for s in body["steps"])


def test_non_profit_checklist_goes_to_civil_affairs(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/operator-checklist",
        {
            "nature": "non_profit",
            "premises": "new_build",
            "location": "other",
            "services": ["half_day"],
            "ages": [],
        },
    )
    departments = [s["department"] for s in body["steps"]]
    assert "区民政局" in departments and "区市场监管局" not in departments[:8]
    assert departments[0] == "市自然资源和规划局仁和区分局"


def test_leave_parse_understands_a_whole_sentence(client: TestClient) -> None:
    body = _post(
        client, "/api/internal/leave/parse", {"text": "老婆昨天剖腹产 生了双胞胎", "today": TODAY}
    )
    assert body["event"] == "birth" and body["date"] == "2026-11-27"
    assert body["delivery"] == "normal" and body["babies"] == 2


def test_leave_parse_due_dates_are_in_the_future(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/leave/parse",
        {"text": "3.5", "event": "due", "slot": "leave_date", "today": TODAY},
    )
    assert body["date"] == "2027-03-05"
    body = _post(
        client,
        "/api/internal/leave/parse",
        {"text": "3.5", "event": "birth", "slot": "leave_date", "today": TODAY},
    )
    assert body["date"] == "2026-03-05"


def test_leave_parse_impossible_date_asks_back(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/leave/parse",
        {"text": "2月30号", "slot": "leave_date", "today": TODAY},
    )
    assert body["date"] is None
    assert "2月没有30号" in body["date_error"]


def test_leave_parse_pregnancy_length(client: TestClient) -> None:
    assert _post(client, "/api/internal/leave/parse", {"text": "孕10周", "slot": "leave_months"})[
        "months"
    ] == pytest.approx(2.33)
    assert (
        _post(client, "/api/internal/leave/parse", {"text": "4", "slot": "leave_months"})["months"]
        == 4
    )


@pytest.mark.parametrize(
    ("event", "delivery", "babies"),
    list(itertools.product(["birth", "due"], ["normal", "difficult"], [1, 2, 3])),
)
def test_leave_every_birth_combination(
    client: TestClient, event: str, delivery: str, babies: int
) -> None:
    start = dt.date(2026, 12, 1)
    body = _post(
        client,
        "/api/internal/leave",
        {"event": event, "date": start.isoformat(), "delivery": delivery, "babies": babies},
    )
    mother = 98 + (15 if delivery == "difficult" else 0) + 15 * (babies - 1) + 90
    assert body["mother_days"] == mother
    assert body["father_days"] == 30
    assert body["last_day"] == (start + dt.timedelta(days=mother - 1)).isoformat()
    assert body["father_last_day"] == (start + dt.timedelta(days=29)).isoformat()
    assert "按2025年11月28日起施行的" in body["text"]
    last = start + dt.timedelta(days=mother - 1)
    assert f"{last.year}年{last.month}月{last.day}日" in body["text"]
    assert "适用规则" in body["text"] and "人力资源社会保障局" in body["text"]
    assert ("预产期" in body["text"]) == (event == "due")
    assert {s["doc"] for s in body["sources"]} >= {"国务院令第619号《女职工劳动保护特别规定》"}


@pytest.mark.parametrize(("months", "days"), [(2, 15), (3.9, 15), (4, 42), (6, 42)])
def test_leave_miscarriage(client: TestClient, months: float, days: int) -> None:
    body = _post(
        client,
        "/api/internal/leave",
        {"event": "miscarriage", "date": "2026-11-20", "months": months},
    )
    assert body["mother_days"] == days
    assert body["father_days"] is None
    assert body["last_day"] == (dt.date(2026, 11, 20) + dt.timedelta(days=days - 1)).isoformat()
    assert "没有写流产适用四川延长的生育假" in body["text"] and "人力资源社会保障局" in body["text"]


@pytest.mark.parametrize(
    ("date", "mother", "father", "applied"),
    [
        ("2021-09-28", 158, 20, "2016年修订"),
        ("2021-09-29", 158, 20, "2021年9月29日起施行"),
        ("2025-11-27", 158, 20, "2021年9月29日起施行"),
        ("2025-11-28", 188, 30, "2025年11月28日起施行"),
    ],
)
def test_leave_calculator_uses_the_rule_of_the_birth_date(
    client: TestClient, date: str, mother: int, father: int, applied: str
) -> None:
    body = _post(
        client,
        "/api/internal/leave",
        {"event": "birth", "date": date, "delivery": "normal", "babies": 1},
    )
    assert (body["mother_days"], body["father_days"]) == (mother, father)
    assert applied in body["text"]


def test_leave_calculator_without_a_date_uses_today_and_names_the_earlier_rule(
    client: TestClient,
) -> None:
    from knowledge.clock import fixed_today

    with fixed_today(dt.date(2026, 12, 1)):
        body = _post(
            client, "/api/internal/leave", {"event": "birth", "delivery": "normal", "babies": 1}
        )
    assert body["mother_days"] == 188 and body["father_days"] == 30
    assert "2025年11月28日前出生的，按原规定延长生育假 60 天、男方护理假 20 天" in body["text"]


def _ranking(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": name, "confidence": conf} for name, conf in pairs]


def test_clarify_offers_close_policy_intents(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/clarify",
        {
            "text": "那个假",
            "intent": "nlu_fallback",
            "confidence": 0.35,
            "intent_ranking": _ranking(
                ("nlu_fallback", 0.35),
                ("ask_paternity_leave", 0.34),
                ("ask_maternity_leave", 0.31),
                ("ask_leave_pay", 0.15),
                ("greet", 0.05),
            ),
        },
    )
    assert body["kind"] == "clarify"
    assert body["text"] == "您是想问："
    assert [b["payload"] for b in body["buttons"]] == [
        '/ask_paternity_leave{"entry_id":"paternity-leave"}',
        '/ask_maternity_leave{"entry_id":"maternity-leave-total"}',
    ]


def test_clarify_passes_when_not_two_policy_intents(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/clarify",
        {
            "text": "哈哈",
            "intent": "nlu_fallback",
            "confidence": 0.3,
            "intent_ranking": _ranking(
                ("nlu_fallback", 0.3), ("greet", 0.29), ("ask_maternity_leave", 0.28)
            ),
        },
    )
    assert body["kind"] == "pass" and body["handoff_after"] == 2


def test_second_misunderstanding_hands_off(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/clarify",
        {
            "text": "那个假",
            "intent": "nlu_fallback",
            "misunderstood_before": 1,
            "intent_ranking": _ranking(
                ("ask_paternity_leave", 0.34), ("ask_maternity_leave", 0.31)
            ),
        },
    )
    assert body["kind"] == "handoff"
    assert "12399" in body["text"] and "留言" in body["text"]


def test_handoff_offer_uses_the_configured_hotline(client: TestClient) -> None:
    body = _post(client, "/api/internal/handoff", {"sender_id": "wx-1"})
    assert body["kind"] == "handoff" and body["hotline"] == "12399"
    assert "测试热线（12399）" in body["text"]
    assert [b["payload"] for b in body["buttons"]] == ["/leave_message", "/continue_bot"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("qwzxqw", "greet"),
        ("？？？", "bot_challenge"),
        ("🙂", "nlu_fallback"),
        ("都不是", "gibberish"),
    ],
)
def test_a_message_without_words_is_not_understood_with_the_main_topics(
    client: TestClient, text: str, intent: str
) -> None:
    body = _post(client, "/api/internal/clarify", {"text": text, "intent": intent})
    assert body["kind"] == "clarify" and "没看懂" in body["text"]
    assert len(body["buttons"]) >= 3 and all(
        not b["payload"].startswith("/") for b in body["buttons"]
    )


def test_the_second_wordless_message_offers_a_person_and_the_topics(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/clarify",
        {"text": "。。。", "intent": "nlu_fallback", "misunderstood_before": 1},
    )
    assert body["kind"] == "handoff" and "12399" in body["text"]
    payloads = [b["payload"] for b in body["buttons"]]
    assert payloads[:2] == ["/leave_message", "/continue_bot"] and len(payloads) >= 5


def test_release_reports_an_unreachable_engine(client: TestClient) -> None:
    response = client.post("/api/internal/handoff/wx-1/release", headers=AUTH)
    assert response.status_code == 503
    assert "恢复" in response.json()["detail"]


def test_every_clarify_button_names_an_entry_that_answers_its_intent() -> None:
    from api.guides.clarify import clarify_config
    from knowledge.loader import load_knowledge

    entries = {e.id: e for e in load_knowledge().entries}
    config = clarify_config()
    assert set(config.intents) == INTENTS
    for intent, choice in config.intents.items():
        assert choice.entry in entries, choice.entry
        assert intent in entries[choice.entry].intents, (intent, choice.entry)


def test_clarify_steps_aside_when_the_words_clearly_pick_one_intent(client: TestClient) -> None:
    """Close NLU scores, but the question names the service types outright: answer, don't ask."""
    body = _post(
        client,
        "/api/internal/clarify",
        {
            "text": "托育除了全日制还有半日制、计时制吗，都有哪些托法",
            "intent": "ask_service_types",
            "confidence": 0.41,
            "intent_ranking": _ranking(
                ("ask_service_types", 0.41), ("ask_community_childcare", 0.36)
            ),
        },
    )
    assert body["kind"] == "pass"


def test_clarify_steps_aside_for_a_who_question_triage_can_route(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/clarify",
        {
            "text": "托育园的饮用水卫生谁来监督检查",
            "intent": "nlu_fallback",
            "confidence": 0.3,
            "intent_ranking": _ranking(
                ("nlu_fallback", 0.3), ("ask_supervision", 0.2), ("ask_safety_responsibility", 0.18)
            ),
        },
    )
    assert body["kind"] == "pass"


def test_an_opening_message_with_a_birth_date_is_answered_at_once(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/leave/parse",
        {"text": "我家闺女今年3月8号出生的 产假一共能休多久", "opening": True, "today": TODAY},
    )
    assert body["event"] == "birth" and body["date"] == "2026-03-08"
    assert body["delivery"] == "normal" and body["babies"] == 1
    assert body["assumed"] == ["delivery", "babies"]


def test_only_the_opening_message_assumes_the_common_case(client: TestClient) -> None:
    stated = _post(
        client,
        "/api/internal/leave/parse",
        {"text": "老婆上个月20号难产生的", "opening": True, "today": TODAY},
    )
    assert stated["delivery"] == "difficult" and stated["assumed"] == ["babies"]
    later = _post(
        client,
        "/api/internal/leave/parse",
        {"text": "日期说错了 是3月9号生的", "event": "birth", "today": TODAY},
    )
    assert later["delivery"] is None and later["babies"] is None and later["assumed"] == []


def test_a_result_for_the_common_case_says_how_to_get_the_others(client: TestClient) -> None:
    body = _post(
        client,
        "/api/internal/leave",
        {"event": "birth", "date": "2026-03-08", "delivery": "normal", "babies": 1},
    )
    assert "难产或多胞胎" in body["text"]
    twins = _post(
        client,
        "/api/internal/leave",
        {"event": "birth", "date": "2026-03-08", "delivery": "normal", "babies": 2},
    )
    assert "难产或多胞胎" not in twins["text"]
