"""evaluate.score computes the README's metrics from labelled items."""

from knowledge.triage.evaluate import score

FEES = "托育园乱收费，交了学费不给退"
ABUSE = "老师打孩子，脸上都是巴掌印"


def test_perfect_items_score_one() -> None:
    result = score(
        [
            {"text": FEES, "departments": ["区市场监管局"], "also_ok": [], "urgency": "normal"},
            {
                "text": ABUSE,
                "departments": ["市公安局仁和区分局"],
                "also_ok": ["区卫生健康局"],
                "urgency": "urgent",
            },
        ]
    )
    assert result["n"] == 2
    assert result["lead_accuracy"] == 1.0
    assert result["set_accuracy"] == 1.0
    assert result["urgent_recall"] == 1.0
    assert result["urgent_precision"] == 1.0
    assert result["confusion"]["区市场监管局"] == {"区市场监管局": 1}
    assert result["failures"] == []


def test_wrong_labels_are_counted() -> None:
    result = score(
        [
            # expected lead deliberately wrong; set requires a department triage does not return
            {"text": FEES, "departments": ["区税务局"], "also_ok": [], "urgency": "urgent"},
            {"text": FEES, "departments": ["区市场监管局", "区妇联"], "urgency": "normal"},
        ]
    )
    assert result["lead_accuracy"] == 0.5
    assert result["set_accuracy"] == 0.0
    assert result["urgent_recall"] == 0.0
    assert result["urgent_precision"] is None
    assert result["confusion"]["区税务局"] == {"区市场监管局": 1}
    assert len(result["failures"]) == 2


def test_extra_department_outside_also_ok_fails_set() -> None:
    text = "托育园不给退费，门口还有人乱贴小广告，到处贴在电线杆上"
    strict = score(
        [{"text": text, "departments": ["区市场监管局"], "also_ok": [], "urgency": "normal"}]
    )
    lenient = score(
        [
            {
                "text": text,
                "departments": ["区市场监管局"],
                "also_ok": ["区综合执法局"],
                "urgency": "normal",
            }
        ]
    )
    assert strict["set_accuracy"] == 0.0
    assert lenient["set_accuracy"] == 1.0
