"""Normalisation and tokenisation: traditional → simplified, width folding, domain words, bigrams."""

from __future__ import annotations

from knowledge.text import bigrams, compact, normalize, tidy, tokenize, words


def test_normalize_converts_traditional_and_full_width() -> None:
    assert normalize("  產假  多少天？ＡＢＣ１２３ ") == "产假 多少天?abc123"


def test_domain_words_stay_whole() -> None:
    tokens = words("区人力资源社会保障局管陪产假吗")
    assert "区人力资源社会保障局" in tokens and "陪产假" in tokens
    assert "吗" not in tokens


def test_bigrams_skip_stopwords_and_cover_typos() -> None:
    grams = bigrams("我老公陪产价几天")
    assert "陪产" in grams and "老公" in grams
    assert not any("我" in g for g in grams)


def test_tokenize_is_words_plus_bigrams() -> None:
    text = "托育机构消防检查"
    assert tokenize(text) == words(text) + bigrams(text)


def test_tidy_and_compact() -> None:
    assert tidy("第一句。 第二句 98 天") == "第一句。第二句 98 天"
    assert compact(" 女职工生育享受 98 天\n产假 ") == "女职工生育享受98天产假"
