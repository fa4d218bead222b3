"""Urgent means a child at immediate risk; routine hazards stay normal."""

import pytest

from api.triage.service import triage

URGENT = [
    "老师拿针扎孩子，手上好多针眼",
    "打孩子了！！监控里看到的",
    "中午吃完饭十几个娃都在吐，有的还发烧",
    "班里好多孩子都得了手足口，还在正常上课",
    "托育园三楼冒烟了快来人",
    "厨房一股煤气味，孩子们都在隔壁睡觉",
    "我家孩子走丢了，老师说没看到",
    "有陌生人翻墙进了院子",
    "活动室天花板塌下来了",
    "孩子从滑梯上摔下来骨折了",
    "插座一直在冒火花",
    "宝宝被老師掐得手臂發紫🥺",
]
NORMAL = [
    "灭火器过期了，希望检查一下",
    "厨房很脏，灶台全是油",
    "二楼窗户没有护栏",
    "收费太贵了，还不给退",
    "万一着火了孩子怎么跑？安全出口都堵着",
    "担心老师会打孩子，想问问有没有监控",
    "托育园门口太吵了，噪音大",
]


@pytest.mark.parametrize("text", URGENT)
def test_urgent(text: str) -> None:
    result = triage(text=text)
    assert result.urgency == "urgent"
    assert result.urgency_signals


@pytest.mark.parametrize("text", NORMAL)
def test_routine_hazards_are_normal(text: str) -> None:
    result = triage(text=text)
    assert result.urgency == "normal"
    assert result.urgency_signals == []
