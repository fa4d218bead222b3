"""The entry classifier of the dense index: a softmax over entries, fitted on e5 vectors."""

from __future__ import annotations

import numpy as np

from knowledge.dense import DenseIndex, fit_classifier
from knowledge.loader import load_knowledge


def _clusters(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two tight clusters of unit vectors around two directions, labelled entry 0 and entry 2."""
    rng = np.random.default_rng(seed)
    centres = np.eye(8)[[0, 3]]
    x = np.concatenate([c + 0.05 * rng.standard_normal((20, 8)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), np.repeat([0, 2], 20)


def test_classifier_tells_two_directions_apart_and_names_only_entries_it_saw() -> None:
    x, y = _clusters()
    model = fit_classifier(x, y, 4, c=10.0)
    near_first = model.proba(np.eye(8, dtype=np.float32)[0])
    near_second = model.proba(np.eye(8, dtype=np.float32)[3])
    assert near_first.shape == (4,) and abs(float(near_first.sum()) - 1.0) < 1e-5
    assert near_first.argmax() == 0 and near_second.argmax() == 2
    assert near_first[1] == 0.0 and near_first[3] == 0.0  # no training question: no probability


def test_a_ruled_out_entry_gets_nothing_and_the_rest_is_renormalised() -> None:
    entries = load_knowledge().entries[:3]
    index = DenseIndex(entries, [])
    x, y = _clusters()
    index.classifier = fit_classifier(x[:, :8], y, 3, c=10.0)
    # the index's own vectors are 384-d; the toy model reads 8: give it a vector it understands
    vector = np.eye(8, dtype=np.float32)[0]
    full = index.classifier.proba(vector)
    ruled = index.learned(vector, without=entries[0].id)
    assert ruled[0] == 0.0 and abs(float(ruled.sum()) - 1.0) < 1e-5
    assert ruled[2] > full[2]


def test_before_training_the_signal_is_zero() -> None:
    entries = load_knowledge().entries[:2]
    index = DenseIndex(entries, [])
    assert not index.learned(np.zeros(384, dtype=np.float32)).any()
