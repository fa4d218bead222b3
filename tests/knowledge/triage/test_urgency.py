"""Urgent means a child at immediate risk; routine hazards stay normal."""

from pathlib import Path

import pytest
import yaml

from knowledge.triage import triage

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
    "下午点心吃的奶黄包，放学前七八个娃都开始吐，已经全部送到医院了",
    "前天晚上有个醉醺醺的男的爬进托管中心的院子，在滑梯那睡了一晚",
    "最近老有个戴口罩的男人蹲在园门口盯着娃看，昨天还混进了园里，被门卫拦下来才走",
    "那个怪大叔天天在门口转，昨天溜进来被老师撵走了",
    "孩子摔破了头，幸好没伤到眼睛，可现在还在医院观察",
]
NORMAL = [
    "灭火器过期了，希望检查一下",
    "厨房很脏，灶台全是油",
    "二楼窗户没有护栏",
    "收费太贵了，还不给退",
    "万一着火了孩子怎么跑？安全出口都堵着",
    "担心老师会打孩子，想问问有没有监控",
    "托育园门口太吵了，噪音大",
    "上周孩子被烫起了泡，送医及时现在已经好了，想问园里热水怎么管",
    "娃吃饭噎住了，老师处理得快，现在没事了，就是想反映一下",
    "之前孩子在园里高烧抽搐打了120，现在完全康复了",
    "孩子们在院子里钻进钻出地玩，老师在旁边看手机",
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


def test_one_childs_illness_is_not_an_outbreak_without_many_children() -> None:
    result = triage(text="好几个孩子拉肚子，不知道是不是着凉")
    assert "多人进食后发病" not in "".join(result.urgency_signals)


def test_outbreak_after_food_leads_to_market_regulator_even_with_fever() -> None:
    result = triage(text="中午吃了園裡的蛋糕，一大半孩子發燒拉肚子，現在都在醫院")
    assert result.urgency == "urgent"
    assert [d.name for d in result.departments][:2] == ["区市场监管局", "区卫生健康局"]


def test_resolved_incident_keeps_its_category() -> None:
    result = triage(text="孩子上个月在园里摔伤骨折，现在已经康复了，园长一直推卸责任")
    assert result.urgency == "normal"
    assert result.category == "照护安全/意外伤害"


def _pairs() -> list[dict[str, str]]:
    path = Path(__file__).resolve().parent / "urgency_pairs.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]


def test_now_and_then_pairs() -> None:
    """Ongoing harm vs the same harm past and resolved (never fitted on): recall and precision."""
    got = [(triage(text=p["text"]).urgency == "urgent", p["urgency"] == "urgent") for p in _pairs()]
    tp = sum(g and y for g, y in got)
    recall = tp / sum(y for _, y in got)
    precision = tp / max(1, sum(g for g, _ in got))
    print(f"\nnow/then pairs: urgent recall {recall:.2f}, precision {precision:.2f}")
    assert recall >= 0.85
    assert precision >= 0.85


def test_a_past_resolved_outbreak_is_normal_and_the_same_today_urgent() -> None:
    assert triage(text="前年园里出过一回集体拉肚子，卫健来查过，早就整改完了").urgency == "normal"
    assert triage(text="今天中午园里十几个娃一起上吐下泻，有的在发烧").urgency == "urgent"
