"""The engine's department vocabulary is generated from the one department list and kept in step."""

from knowledge.triage import vocab
from knowledge.triage.loader import load_departments
from tests.canonical import CANONICAL_DEPARTMENTS


def test_generated_engine_files_match_departments_yml() -> None:
    assert vocab.stale() == [], "run `python -m knowledge.triage.vocab` (make train does)"


def test_every_department_names_itself_first_and_no_alias_has_two_owners() -> None:
    aliases = vocab.engine_aliases()
    assert tuple(aliases) == CANONICAL_DEPARTMENTS
    owner: dict[str, str] = {}
    for name, words in aliases.items():
        assert words[0] == name
        for word in words:
            assert owner.setdefault(word, name) == name, (
                f"{word} claimed by {owner[word]} and {name}"
            )


def test_ambiguous_words_stay_out_of_the_engine_but_not_out_of_triage() -> None:
    fire = load_departments()["仁和区消防救援大队"]
    assert "消防" in fire.aliases and "消防" in fire.ambiguous
    assert "消防" not in vocab.engine_aliases()["仁和区消防救援大队"]
    assert "消防大队" in vocab.engine_aliases()["仁和区消防救援大队"]


def test_jieba_words_are_well_formed() -> None:
    lines = vocab.jieba_words().splitlines()
    assert lines and len(lines) == len(set(lines))
    for line in lines:
        word, freq, tag = line.split(" ")
        assert word and freq.isdigit() and tag.isalpha()


def test_block_replacement_keeps_the_hand_written_rest() -> None:
    text = f"head\n{vocab.BEGIN}\nold\n{vocab.END}\ntail\n"
    assert vocab.with_block(text, ["new"], vocab.ENTITIES) == (
        f"head\n{vocab.BEGIN}\nnew\n{vocab.END}\ntail\n"
    )
