"""The shared embedder: normalised vectors, and a message embedded once however many checks read it."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from knowledge import embed


def test_batches_match_single_messages_and_are_unit_length() -> None:
    texts = ["陪产假有几天", "托班收几岁的孩子", "陪产假有几天"]
    batch = embed.embed_queries(texts)
    assert batch.shape == (3, embed.DIM)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-3)
    assert np.allclose(batch[0], batch[2])
    assert np.allclose(batch[1], embed.embed_query("托班收几岁的孩子"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The batches the C engine is asked to embed from here on (the real engine still answers)."""
    seen: list[list[str]] = []
    real = embed._model()

    class Counting:
        def query(self, texts: list[str]) -> np.ndarray:
            seen.append(list(texts))
            return real.query(texts)

    monkeypatch.setattr(embed, "_model", lambda handle=embed.MAIN: Counting())
    return seen


def test_a_recent_message_is_not_embedded_again(calls: list[list[str]]) -> None:
    embed.embed_query("孩子发烧了去哪里看")
    calls.clear()
    embed.embed_queries(["孩子发烧了去哪里看", "社区有没有托育点"])
    assert calls == [["社区有没有托育点"]]


def test_the_recent_cache_stays_bounded(monkeypatch) -> None:
    monkeypatch.setattr(embed, "RECENT_SIZE", 3)
    embed.embed_queries([f"第{i}个问题" for i in range(6)])
    embed.embed_query("再问一个")
    assert len(embed._RECENT) <= 6
    embed.embed_query("最后一个")
    assert len(embed._RECENT) == 3


def test_a_message_embedded_ahead_is_embedded_once_and_alike(calls: list[list[str]]) -> None:
    text = "家里老人带娃 社区有没有临时托管"
    embed.embed_ahead(text)
    embed.embed_ahead(text)  # already on its way: not started twice
    vector = embed.embed_query(text)  # waits for the one ahead instead of embedding again
    assert calls == [[text]]
    assert embed.recent(text) is not None
    embed.embed_ahead(text)  # known: nothing to do
    assert calls == [[text]]
    alone = np.asarray(embed._model().query([text]), dtype=np.float32)[0]  # a direct call, last
    assert np.allclose(vector, alone, atol=1e-5)


def test_a_failed_embedding_ahead_is_retried_by_the_one_who_needs_it(monkeypatch) -> None:
    real = embed._model()
    failing = {"left": 1}

    class Flaky:
        def query(self, texts: list[str]) -> np.ndarray:
            if failing["left"]:
                failing["left"] -= 1
                raise RuntimeError("engine hiccup")
            return real.query(texts)

    monkeypatch.setattr(embed, "_model", lambda handle=embed.MAIN: Flaky())
    text = "托育机构晚上几点关门"
    embed.embed_ahead(text)
    assert embed.embed_query(text).shape == (embed.DIM,)


def test_a_message_embedded_ahead_does_not_wait_for_the_other_handle() -> None:
    text = "娃儿两岁 社区托育点能不能临时送一下午"
    busy = threading.Event()
    held = embed._WORKERS[embed.MAIN].submit(busy.wait, 30)  # the emergency check is embedding now
    try:
        embed.embed_ahead(text)
        with embed._CACHE:
            pending = embed._PENDING.get(text)
        if pending is not None:  # (None: already done)
            pending.result(timeout=30)  # done beside it, on its own handle: no wait for the other
        assert not held.done()
    finally:
        busy.set()
    ahead = embed.recent(text)
    assert ahead is not None
    assert embed._model(embed.AHEAD) is not embed._model(embed.MAIN)
    assert np.allclose(ahead, embed._model().query([text])[0], atol=1e-5)


def test_each_handle_runs_on_its_own_thread_with_its_own_team_size() -> None:
    runtime = embed._openmp()
    assert runtime is not None  # the wheel's OpenMP runtime is found, so the team sizes are set
    for handle in (embed.MAIN, embed.AHEAD):
        name, size = (
            embed._WORKERS[handle]
            .submit(lambda: (threading.current_thread().name, runtime.omp_get_max_threads()))
            .result()
        )
        assert size == embed.threads(handle)
        assert name.startswith("embed-main" if handle == embed.MAIN else "embed-ahead")
    assert embed.threads(embed.AHEAD) == 1


@pytest.mark.parametrize(("value", "expected"), [("2", 2), ("1", 1), ("0", 1), ("lots", 2)])
def test_the_callers_team_size_comes_from_embed_threads(monkeypatch, value, expected) -> None:
    monkeypatch.setenv("EMBED_THREADS", value)
    assert embed.threads(embed.MAIN) == expected
