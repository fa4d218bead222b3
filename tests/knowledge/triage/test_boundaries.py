"""The boundaries that fail most often, one pair each: same setting, different duty, different lead."""

import pytest

from knowledge.triage import triage
from knowledge.triage.loader import load_departments

MARKET, TAX = "区市场监管局", "区税务局"
HEALTH, POLICE = "区卫生健康局", "市公安局仁和区分局"
HOUSING, FIRE = "区住建局", "仁和区消防救援大队"
LABOUR = "区人力资源社会保障局"

PAIRS = [
    # 收费 (price, refund: 市场监管) vs 税收 (invoices, tax: 税务)
    ("园里实际收的保育费比墙上公示的价目表每月多了两百多", MARKET),
    ("交了整整一学期的费用，找他们要张正规发票，推三阻四就是不给开", TAX),
    # 卫生 (hygiene, infection: 卫健) vs 治安 (people, crime, security: 公安)
    ("午睡间的被褥一个多月没换洗，潮得发霉，好几个娃身上起了红疹子", HEALTH),
    ("一个满身酒气的男人在托育园大门外晃了一上午，还几次想推门进去", POLICE),
    # 消防: 住建's design review and acceptance vs the 消防救援大队's inspection of daily fire safety
    ("那栋楼改成托育园装修完，消防设计审查和验收一样都没办就开门招生了", HOUSING),
    ("走廊的灭火器压力表早就归零了，安全出口还被一排储物柜堵得严严实实", FIRE),
    # 从业资格: 人社's childcare-worker certificates vs 公安's licensing of 保安员
    ("带班的几个保育员连保育师证都没有，岗前培训也一次没参加过", LABOUR),
    ("门口守门的那位大爷说是园长亲戚，根本没有保安员证，也没经过保安培训", POLICE),
]


@pytest.mark.parametrize(("text", "lead"), PAIRS)
def test_boundary_leads(text: str, lead: str) -> None:
    result = triage(text=text)
    assert result.departments[0].name == lead, [d.name for d in result.departments]


@pytest.mark.parametrize(("text", "lead"), PAIRS)
def test_reason_and_basis_are_honest(text: str, lead: str) -> None:
    first = triage(text=text).departments[0]
    duties = [d.quote for d in load_departments()[first.name].duties]
    # the basis is a clause of the lead's own duties, quoted verbatim
    assert any(f"「{q}」" in first.basis for q in duties), first.basis
    # the reason quotes words that are in the complaint, and the clause it resembles
    quoted = [w for w in first.reason.split("「")[1:] if "」" in w]
    words = [w.split("」")[0] for w in quoted]
    assert any(w in text for w in words), first.reason
    assert any(q in first.reason for q in duties), first.reason


def test_an_assist_only_when_the_text_raises_its_duty() -> None:
    alone = triage(text="托育园门口两块广告牌歪在人行道上，牌子上的字也掉了一半")
    both = triage(
        text="托育园门口两块广告牌歪在人行道上，牌子上还写着“政府补贴、全市第一”，根本没这回事"
    )
    assert [d.name for d in alone.departments] == ["区综合执法局"]
    assert {d.name for d in both.departments} >= {"区综合执法局", MARKET}
    assist = next(d for d in both.departments if d.role == "assist")
    assert "协办" in assist.reason and "阈值" in assist.reason
