"""The naive Bayes fallback: learns char n-grams, explains itself, stays silent on unknown text."""

from api.triage.nb import NaiveBayes, char_ngrams, literal_text
from api.triage.service import triage


def test_char_ngrams() -> None:
    assert char_ngrams("退费a") == ["退", "费", "a", "退费", "费a"]


def test_literal_text_strips_regex_syntax() -> None:
    assert literal_text("退(学|托)费?").split() == ["退", "学", "托", "费"]


def test_fit_predict_and_explain() -> None:
    model = NaiveBayes().fit(docs=["退费 退钱 收费", "打孩子 虐待"], labels=["fee", "abuse"])
    label, evidence = model.predict("想要回退款")  # 退 seen only in fee
    assert label == "fee"
    assert evidence
    assert model.predict("xyz") is None


def test_used_when_no_keyword_fires() -> None:
    result = triage(text="园长把钱收走就不认人了")
    assert result.departments[0].reason.startswith("未命中关键词")
