"""POST /api/internal/answer: who-handles-this questions go through complaint triage to the right department."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.errors import install_error_handlers
from api.kb.routes import internal_router
from api.kb.service import department_routing
from knowledge.departments import departments
from tests.conftest import TEST_SERVICE_TOKEN, create_test_app

AUTH = {"Authorization": f"Bearer {TEST_SERVICE_TOKEN}"}


@pytest.fixture
def client(settings_override: Callable[..., Settings]) -> Iterator[TestClient]:
    """Bare app with the internal knowledge router."""
    settings_override(service_token=TEST_SERVICE_TOKEN, hotline="12399")
    app = create_test_app(internal_router)
    install_error_handlers(app)
    with TestClient(app) as test_client:
        yield test_client


def _ask(client: TestClient, text: str, intent: str | None = None) -> dict[str, Any]:
    body = {"text": text, "intent": intent, "confidence": 0.8 if intent else 0.0}
    response = client.post("/api/internal/answer", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def _first_department(text: str) -> str | None:
    found = sorted((text.find(d), d) for d in departments() if d in text)
    return found[0][1] if found else None


@pytest.mark.parametrize(
    ("text", "intent", "department"),
    [
        pytest.param(
            "托育园收费项目从来不张贴公示，该找谁",
            None,
            "区市场监管局",
            marks=pytest.mark.xfail(
                strict=False,
                reason="known weakness (stop 24 note): the routing hint picks 区发改局 (pricing) over the fee-supervision entry",
            ),
        ),
        ("托管班价目表一直不公开 归哪个部门管呀", "ask_complaint_channel", "区市场监管局"),
        ("托儿所说饭菜全用有机蔬菜，其实根本不是，投诉哪个部门", None, "区市场监管局"),
        (
            "早教中心广告吹得天花乱坠 跟实际两回事 我向谁反映",
            "ask_complaint_channel",
            "区市场监管局",
        ),
        ("托育中心在门口拉了条大红横幅，占了人行道，归谁管", None, "区综合执法局"),
        ("托育园在马路边立了块指路牌，挡视线，找哪个部门", "ask_department_duty", "区综合执法局"),
        ("楼道里贴满了托育机构的小广告 派给哪个部门处理", None, "区综合执法局"),
        ("托管班发的宣传海报贴得满墙都是，谁来管", None, "区综合执法局"),
        ("托育园午饭是外面订的配餐，食品安全谁来管", None, "区市场监管局"),
        ("娃托育所的餐食食材不新鲜 这种情况找谁", "ask_complaint_channel", "区市场监管局"),
        ("托班订餐公司送的饭有股怪味，投诉谁", None, "区市场监管局"),
        ("1岁多的娃在早教班就被教写字背古诗 哪个部门管教学内容", None, "区教育和体育局"),
        ("早教课内容太超前不科学，谁来管", "ask_complaint_channel", "区教育和体育局"),
        ("托育机构执不执行劳动合同法 谁来查", None, "区人力资源社会保障局"),
        (
            "我们托育园下周迎检，查劳动合同，哪个部门来",
            "ask_department_duty",
            "区人力资源社会保障局",
        ),
        ("托育机构开发票交税的事找哪个部门", None, "区税务局"),
        ("办托育有没有税收减免 找谁问", "ask_open_institution", "区税务局"),
        ("托育园的tax问题归哪个部门", None, "区税务局"),
        ("托育园重新装修 消防设计要改 由谁来审", None, "区住建局"),
        pytest.param(
            "托育机构的消防验收归哪个部门",
            "ask_open_institution",
            "区住建局",
            marks=pytest.mark.xfail(
                strict=False,
                reason="known weakness (stop 24 note): the fire-safety entry answers, naming the fire brigade before 区住建局",
            ),
        ),
        ("托育园保健室的卫生保健工作谁来指导", None, "区卫生健康局"),
        ("托育机构娃娃的体检记录没建 这种情况归谁管", "ask_department_duty", "区卫生健康局"),
        ("托育园老师掐孩子 找哪个部门", None, "市公安局仁和区分局"),
        ("托育机构消防通道堆满杂物，找谁", None, "仁和区消防救援大队"),
    ],
)
def test_department_questions_name_the_responsible_department(
    client: TestClient, text: str, intent: str | None, department: str
) -> None:
    data = _ask(client, text, intent)
    assert data["kind"] == "answer", data
    assert _first_department(data["text"]) == department, (text, data["entry_ids"])
    assert data["sources"] and data["sources"][0]["quote"]


def test_hotline_is_filled_for_declines(client: TestClient) -> None:
    data = _ask(client, "周末会不会降温")
    assert data["kind"] == "out_of_scope" and "12399" in data["text"]


def test_routing_only_for_who_questions() -> None:
    assert department_routing(text="托育机构有哪些服务形式", intent=None) is None
    routed = department_routing(text="托育园门口的横幅归谁管", intent=None)
    assert routed is not None and routed.department == "区综合执法局"


def test_complaint_intent_routes_when_the_text_talks_about_complaining() -> None:
    routed = department_routing(text="托育园门口挂横幅 想反映一下", intent="ask_complaint_channel")
    assert routed is not None and routed.department == "区综合执法局"


def test_complaint_intent_alone_does_not_route_a_text_without_complaint_words() -> None:
    """A misread intent must not drag a question about certificates to whichever department a word suggests."""
    assert department_routing(text="托育园门口挂横幅", intent="ask_complaint_channel") is None


def test_no_triage_keyword_means_no_routing() -> None:
    assert department_routing(text="这种情况找谁", intent=None) is None


def test_a_department_the_user_names_wins_over_triage() -> None:
    assert department_routing(text="托育园退费的事找教育局吗", intent=None) is None


def test_institution_names_are_not_mistaken_for_the_problem() -> None:
    routed = department_routing(text="早教中心虚假宣传找谁", intent=None)
    assert routed is not None and routed.department == "区市场监管局"


def test_two_problems_in_one_who_question_get_one_of_their_departments(client: TestClient) -> None:
    text = "托育园不退费 也不开票 找谁"
    routed = department_routing(text=text, intent=None)
    assert routed is not None and routed.department in {"区市场监管局", "区税务局"}
    data = _ask(client, text)
    assert data["kind"] == "answer"
    assert _first_department(data["text"]) in {"区市场监管局", "区税务局"}


def test_a_quote_that_only_names_the_department_is_not_its_duty_clause() -> None:
    routed = department_routing(text="托育园老师没证就上岗了 找谁", intent=None)
    assert routed is not None and routed.department == "区人力资源社会保障局"


def test_unrelated_who_questions_are_not_routed(client: TestClient) -> None:
    assert department_routing(text="饭店不给开发票找谁", intent=None) is None
    data = _ask(client, "我想开个健身房，营业执照去哪办")
    assert data["kind"] == "out_of_scope" and not data["entry_ids"]


def test_a_misread_complaint_intent_lets_the_words_decide() -> None:
    """NLU said ask_complaint_channel for a feeding question with no complaint word: answer about feeding."""
    from api.config import get_settings
    from api.kb.schemas import AnswerRequest
    from api.kb.service import answer

    request = AnswerRequest(
        text="宝宝辅食不知道咋加，营养方面社区医院能指导不",
        intent="ask_complaint_channel",
        confidence=0.8,
        intent_ranking=[{"name": "ask_complaint_channel", "confidence": 0.8}],
    )
    result = answer(request=request, settings=get_settings())
    assert result.kind == "answer"
    assert "营养" in result.text


@pytest.mark.parametrize(
    ("text", "mode", "must"),
    [
        ("闺女2022年6月1日出生，当时男方陪产假几天", "answer", "20 天"),
        ("宝宝是今年8月生的，产假能休多少天", "answer", "188 天"),
        ("我是当妈的 育儿假每年有几天？", "answer", "10 个工作日"),
        ("育儿假遇上国庆长假怎么算", "answer", "工作日"),
        ("育儿假是按孩子出生那天开始算吗", "answer", "育儿假"),
        ("帮我算一下产假到哪天 我3月2号生的", "flow", ""),
        ("产假计算器", "flow", ""),
        ("宝宝昨天出生 帮我算算护理假截止日期", "flow", ""),
    ],
)
def test_leave_calculator_start_answers_a_plain_question(
    client: TestClient, text: str, mode: str, must: str
) -> None:
    from knowledge.clock import fixed_today

    body = {"text": text, "intent": "start_leave_calculator", "confidence": 0.9}
    with fixed_today(dt.date(2026, 12, 1)):
        response = client.post("/api/internal/flow-route/leave_calculator", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    route = response.json()
    assert route["mode"] == mode, route
    if must:
        assert must in route["answer"]["text"]
