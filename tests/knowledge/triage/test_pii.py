"""PII detection offsets and masking for logs."""

import pytest

from knowledge.triage.pii import detect_pii, mask_pii


def _found(text: str) -> list[tuple[str, str]]:
    """(type, value) pairs from the detected spans."""
    return [(p.type, text[p.start : p.end]) for p in detect_pii(text)]


def test_phone_masked_like_138_star_5678() -> None:
    assert mask_pii("电话13812345678") == "电话138****5678"


def test_phone_with_separators_and_country_code() -> None:
    assert ("phone", "138 1234 5678") in _found("打我电话138 1234 5678")
    assert mask_pii("+86 13812345678 联系").count("*") == 4


def test_id_number_masked() -> None:
    text = "身份证号51040219880506123X，请核实"
    assert _found(text) == [("id_number", "51040219880506123X")]
    assert mask_pii(text) == "身份证号5104**********123X，请核实"


def test_id_number_is_not_read_as_phone() -> None:
    assert [t for t, _ in _found("510402198805061234")] == ["id_number"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("我叫王小明，孩子在阳光托育", "王小明"),
        ("本人张伟，要举报", "张伟"),
        ("联系人：欧阳娜娜", "欧阳娜娜"),
        ("我姓刘", "刘"),
        ("请找李女士", "李"),
        ("我叫陳小紅", "陳小紅"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert ("name", name) in _found(text)


def test_no_name_where_none_is_given() -> None:
    assert _found("本人是家长，孩子两岁") == []
    assert _found("老师打孩子，托育园不管") == []


def test_name_mask_keeps_surname() -> None:
    assert mask_pii("我叫王小明") == "我叫王**"


def test_landline_and_email() -> None:
    text = "座机0812-3351234，邮箱abc123@qq.com"
    kinds = [t for t, _ in _found(text)]
    assert kinds == ["landline", "email"]
    masked = mask_pii(text)
    assert "3351234" not in masked and "abc123@" not in masked


def test_offsets_survive_emoji_and_traditional() -> None:
    text = "😡😡我叫陳大文 電話13912345678"
    found = _found(text)
    assert ("phone", "13912345678") in found
    assert ("name", "陳大文") in found


def test_text_without_pii_is_unchanged() -> None:
    text = "托育园乱收费，交了3000元不退，孩子2岁半"
    assert mask_pii(text) == text


def test_every_span_of_a_busy_text_is_masked() -> None:
    text = "我叫赵六，电话15011112222，身份证110101199003074512，微信号wx_abc123"
    masked = mask_pii(text)
    for secret in ("15011112222", "110101199003074512", "赵六", "wx_abc123"):
        assert secret not in masked
