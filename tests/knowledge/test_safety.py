"""The emergency detector: its reviewed data, its decisions, its held-out figures, its logs."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from knowledge.safety import advice, detect
from knowledge.safety.detector import decide, held_out_model
from knowledge.safety.evaluate import report, score
from knowledge.safety.examples import labelled, split
from knowledge.safety.signals import CLASSES, EMERGENCIES, hits, lexicon, markers


def test_labelled_set_is_large_and_mixed() -> None:
    items = labelled()
    assert len(items) >= 300
    share = sum(e.label != "none" for e in items) / len(items)
    # hard negatives (ordinary grievances, past events) outnumber the emergencies a little
    assert 0.35 <= share <= 0.7
    assert {e.label for e in items} == set(CLASSES)
    assert len({e.text for e in items}) == len(items), "duplicate texts"


def test_split_keeps_held_out_messages_out_of_training() -> None:
    train, held = split()
    assert held and not {e.text for e in held} & {e.text for e in train}
    assert len(held) >= 0.2 * len(labelled())


def test_every_signal_compiles_and_every_class_has_advice() -> None:
    lex = lexicon()
    assert lex.groups and set(lex.markers)
    for cls in EMERGENCIES:
        assert lex.advice[cls]["default"]


def test_cues_and_markers_tell_now_from_then() -> None:
    assert any(h.cls == "medical" for h in hits("娃刚把一颗纽扣电池咽下去了"))
    assert markers("上个月发过一次烧，现在早就好了")["resolved"]
    assert markers("万一托育园着火了，老师应该怎么疏散")["hypothetical"]


def test_fire_with_someone_hurt_calls_119_and_120() -> None:
    proba = np.array([0.05, 0.0, 0.9, 0.05])
    result = decide("楼下着火了，邻居家孩子被烧伤了", proba, 0.2)
    assert result.emergency == "fire"
    assert result.numbers[0] == "119" and "120" in result.numbers
    text = advice(result)
    assert text.index("119") < text.index("120")


def test_every_advice_line_is_keyed_by_a_signal_group_of_its_class() -> None:
    lex = lexicon()
    for cls in EMERGENCIES:
        groups = {name for owner, name, _ in lex.groups if owner == cls}
        assert set(lex.advice[cls].get("lines", {})) <= groups, cls


def test_police_advice_speaks_of_armed_people_only_when_someone_is_armed() -> None:
    proba = np.array([0.02, 0.9, 0.03, 0.05])
    beaten = advice(decide("老师正在打我家孩子 我在门口看到了", proba, 0.2))
    armed = advice(decide("有个陌生男的拿着刀闯进了托育园", proba, 0.2))
    assert beaten.startswith("请立即拨打 110") and "持械" not in beaten
    assert armed.startswith("请立即拨打 110") and "持械" in armed


def test_below_threshold_is_none() -> None:
    result = decide("托班一个月多少钱", np.array([0.01, 0.01, 0.01, 0.97]), 0.1)
    assert not result.is_emergency and result.numbers == ()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("救命 我家小孩吃了花生以后嘴巴肿起来了 喘不上气", "120"),
        ("有个男的在托育园门口拿着刀晃 孩子们都在院子里", "110"),
        ("隔壁厨房冒黑烟了 火越来越大 孩子还在里面睡午觉", "119"),
        ("my toddler fell down the stairs and now he won't wake up", "120"),
    ],
)
def test_clear_emergencies_get_their_number_first(text: str, number: str) -> None:
    result = detect(text)
    assert result.is_emergency
    assert result.numbers[0] == number
    assert advice(result).startswith("请立即拨打")


@pytest.mark.parametrize(
    "text",
    [
        "托育机构的消防验收需要准备哪些材料",
        "男方护理假现在是多少天",
        "托班一般收几岁的孩子",
    ],
)
def test_plain_policy_questions_are_not_emergencies(text: str) -> None:
    assert not detect(text).is_emergency


def test_held_out_split_recall_and_false_alarms() -> None:
    """Figures on messages never fitted on; recall 1.0 is the target, false alarms are reported."""
    total = score(detector=held_out_model())
    print("\n" + report("held-out", total))
    assert total.recall >= 0.95
    assert total.false_alarm_rate <= 0.4


def test_the_decision_is_logged_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="knowledge.safety")
    secret = "王小明刚才在阳台上摔下来了 头上一直流血"
    detect(secret)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "safety decision=" in logged
    assert "王小明" not in logged and "流血" not in logged
