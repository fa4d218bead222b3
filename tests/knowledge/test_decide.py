"""The learned decision: fitted on the train split only, calibrated, at its stated operating point."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from knowledge.decide import (
    OOS_PRECISION_TARGET,
    Decider,
    artefact_path,
    decider,
    oos_threshold,
)
from knowledge.pinyin import readable
from knowledge.questions import LABELS, Question, bucket, fingerprint, split
from knowledge.text import normalize


@pytest.fixture(scope="module")
def fitted() -> Decider:
    return decider()


@pytest.fixture(scope="module")
def held_out_decisions(fitted: Decider) -> list[tuple[Question, dict[str, float], str]]:
    _, held = split()
    out = []
    for q in held:
        decision = fitted.decide(q.text)
        out.append((q, decision.probabilities, decision.label))
    return out


def test_split_is_fixed_by_text_and_about_a_fifth() -> None:
    train, held = split()
    share = len(held) / (len(train) + len(held))
    assert 0.15 < share < 0.25
    assert all(bucket(readable(q.text)) < 20 for q in held)
    assert all(bucket(readable(q.text)) >= 20 for q in train)
    chinese = [q for q in [*train, *held] if readable(q.text) == normalize(q.text)]
    assert all((bucket(q.text) < 20) == q.held_out for q in chinese)


def test_held_out_questions_never_reach_the_artefact(fitted: Decider) -> None:
    _, held = split()
    held_keys = {normalize(q.text) for q in held} | {readable(q.text) for q in held}
    assert not held_keys & {text for _, text in fitted.views}
    for keys in fitted.neighbours.keys.values():
        assert not held_keys & set(keys)


def test_artefact_is_cached_by_content_hash(fitted: Decider) -> None:
    assert artefact_path().exists()
    train, _ = split()
    changed = [replace(train[0], text=train[0].text + "呀"), *train[1:]]
    assert fingerprint(changed) != fingerprint(train)


def test_operating_point_reaches_the_precision_target_out_of_fold(fitted: Decider) -> None:
    assert fitted.cv["oos_precision"] >= OOS_PRECISION_TARGET
    assert fitted.cv["oos_recall"] > 0.5
    assert 0.0 < fitted.oos_threshold < 1.0


def test_oos_threshold_takes_the_best_recall_at_the_target() -> None:
    p = np.asarray([0.95, 0.9, 0.8, 0.7, 0.6, 0.3, 0.2])
    is_oos = np.asarray([True, True, True, True, False, True, False])
    # precision stays 1.0 down to 0.7, drops to 0.8 at 0.6: the threshold is 0.7
    assert oos_threshold(p, is_oos, target=0.95) == pytest.approx(0.7)


def test_held_out_out_of_scope_precision_at_the_chosen_point(
    held_out_decisions: list[tuple[Question, dict[str, float], str]],
) -> None:
    said = [
        (q.label == "out_of_scope") for q, _, label in held_out_decisions if label == "out_of_scope"
    ]
    assert said, "nothing declined on the held-out split"
    # the target is stated for cross-validation; the smaller held-out split may fall a little short
    assert sum(said) / len(said) >= OOS_PRECISION_TARGET - 0.07


def test_held_out_probabilities_are_calibrated(
    held_out_decisions: list[tuple[Question, dict[str, float], str]],
) -> None:
    """Expected calibration error of every class probability over ten bins stays small."""
    probs = np.asarray([[p[label] for label in LABELS] for _, p, _ in held_out_decisions])
    truth = np.asarray([[q.label == label for label in LABELS] for q, _, _ in held_out_decisions])
    flat_p, flat_y = probs.ravel(), truth.ravel().astype(float)
    bins = np.minimum((flat_p * 10).astype(int), 9)
    ece = sum(
        abs(flat_p[bins == b].mean() - flat_y[bins == b].mean()) * (bins == b).mean()
        for b in range(10)
        if (bins == b).any()
    )
    assert ece < 0.05, ece


def test_held_out_answers_beat_plain_bm25() -> None:
    from knowledge.answer import answer
    from knowledge.evaluate import bm25_baseline, score_questions

    _, held = split()
    ours = score_questions(held, lambda text: answer(text=text))
    base = bm25_baseline(held)
    assert ours.passed / ours.in_scope > base.passed / base.in_scope
