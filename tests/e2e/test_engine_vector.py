"""The message vector the gateway sends the engine: the engine's own vector of the text, read there and
never stored with the conversation."""

from __future__ import annotations

import base64
import json
import subprocess
import uuid

import httpx
import numpy as np
import pytest

from api.engine import GIVEN_VECTOR, given_vector
from knowledge.embed import embed_query
from knowledge.safety import detect
from tests.e2e.stack import ENGINE_BIN, ROOT, Stack

TEXTS = ["孩子上托班每个月要交多少钱", "育儿假每年有几天", "請問產假怎麼算"]


def _engine_vectors(texts: list[str]) -> np.ndarray:
    """What the engine runtime's intent classifier embeds for these (already normalised) texts."""
    code = (
        "import json, sys; from bot.components.intent_classifier import embed, GIVEN_VECTOR; "
        "v = embed(json.loads(sys.stdin.read())); print(json.dumps([GIVEN_VECTOR, v.tolist()]))"
    )
    out = subprocess.run(
        [str(ENGINE_BIN / "python"), "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=300,
    )
    key, vectors = json.loads(out.stdout.strip().splitlines()[-1])
    assert key == GIVEN_VECTOR  # both runtimes name the metadata field alike
    return np.asarray(vectors, dtype=np.float32)


def test_the_gateway_sends_the_vector_its_emergency_check_computed() -> None:
    text = f"托育补贴怎么申请 {uuid.uuid4().hex[:6]}"
    assert given_vector(text) == {}  # nothing embedded yet: nothing sent, the engine embeds itself
    detect(text)
    given = given_vector(text)[GIVEN_VECTOR]
    vector = np.frombuffer(base64.b64decode(given["e5"]), dtype="<f4")
    assert given["text"] == text
    assert np.array_equal(vector, embed_query(text))


def test_both_runtimes_embed_a_text_alike() -> None:
    for text in TEXTS:
        detect(text)
    given = [given_vector(t)[GIVEN_VECTOR] for t in TEXTS]
    ours = np.stack([np.frombuffer(base64.b64decode(g["e5"]), dtype="<f4") for g in given])
    theirs = _engine_vectors([g["text"] for g in given])
    assert np.allclose(ours, theirs, atol=1e-4)


@pytest.mark.e2e
def test_a_turn_leaves_no_vector_in_the_stored_conversation(stack: Stack) -> None:
    sender = f"vec-{uuid.uuid4().hex[:10]}"
    for text in ("你好", "育儿假一年能休几天"):
        assert stack.chat(sender, text).status_code == 200
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token},
        timeout=10,
    ).json()
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert [e["text"] for e in users] == ["你好", "育儿假一年能休几天"]
    assert all(e["metadata"].get("channel") == "web" for e in users)
    assert GIVEN_VECTOR not in json.dumps(tracker)
    parsed = httpx.post(
        f"{stack.rasa_url}/model/parse",
        params={"token": stack.rasa_token},
        json={"text": "育儿假一年能休几天"},  # no vector: the engine embeds by itself
        timeout=10,
    ).json()
    assert tracker["latest_message"]["intent"]["name"] == parsed["intent"]["name"]
