"""The custom NLU components: text normaliser and the spaCy EntityRuler stored in the model."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.entity_ruler import SpacyEntityRuler
from bot.components.intent_classifier import (
    GIVEN_VECTOR,
    EmbeddingIntentClassifier,
    embed,
    given_vector,
    vectors_of,
)
from bot.components.normalizer import ChineseNormalizer, normalize_text

ROOT = Path(__file__).resolve().parents[2]
LOOKUP = ROOT / "bot" / "lookup" / "entities.yml"


def test_traditional_and_fullwidth_become_simplified_halfwidth() -> None:
    assert normalize_text("男方護理假有幾天？") == "男方护理假有几天?"
    assert normalize_text("ＴＹ２０２６") == "TY2026"
    assert normalize_text("  产假   多久 ") == "产假 多久"


def test_normalizer_rewrites_messages_in_place() -> None:
    component = ChineseNormalizer.create({}, None, None, None)  # type: ignore[arg-type]
    message = Message.build(text="託育機構")
    component.process([message])
    assert message.get("text") == "托育机构"


def _ruler(tmp_path: Path) -> SpacyEntityRuler:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("ruler")
    context = ExecutionContext(GraphSchema({}), "test")
    component = SpacyEntityRuler.create({"lookup_path": str(LOOKUP)}, storage, resource, context)
    component.train(TrainingData())
    return SpacyEntityRuler.load({"lookup_path": str(LOOKUP)}, storage, resource, context)


def test_entity_ruler_is_saved_in_the_model_and_maps_aliases_to_canonical_names(
    tmp_path: Path,
) -> None:
    ruler = _ruler(tmp_path)
    message = Message.build(text="托育园乱收费该找工商还是城管？孩子两岁半")
    ruler.process([message])
    found = {(e["entity"], e["value"]) for e in message.get("entities")}
    assert ("department", "区市场监管局") in found
    assert ("department", "区综合执法局") in found
    assert ("child_age", "两岁半") in found
    assert all(e["extractor"] == "SpacyEntityRuler" for e in message.get("entities"))


def test_entity_ruler_finds_leave_and_service_types(tmp_path: Path) -> None:
    ruler = _ruler(tmp_path)
    message = Message.build(text="陪产假几天，托育有没有计时制的")
    ruler.process([message])
    values = {e["entity"]: e["value"] for e in message.get("entities")}
    assert values.get("leave_type") == "护理假"
    assert values.get("service_type") == "计时制"


def test_untrained_ruler_extracts_nothing(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    ruler = SpacyEntityRuler.load({}, storage, Resource("missing"), context)
    message = Message.build(text="区市场监管局")
    ruler.process([message])
    assert not message.get("entities")


def _classifier(tmp_path: Path) -> EmbeddingIntentClassifier:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intents")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = {
        "ask_weather_like": ["今天会下雨吗", "明天天气怎么样", "外面冷不冷", "要不要带伞"],
        "ask_food_like": ["中午吃什么好", "附近有什么好吃的", "推荐一家面馆", "晚饭做点啥"],
    }
    data = TrainingData(
        [Message.build(text=t, intent=i) for i, texts in examples.items() for t in texts]
    )
    tokenizer = JiebaTokenizer.create(
        JiebaTokenizer.get_default_config(), storage, resource, context
    )
    tokenizer.process_training_data(data)
    trained = EmbeddingIntentClassifier.create({}, storage, resource, context)
    trained.train(data)
    return EmbeddingIntentClassifier.load({}, storage, resource, context)


def test_intent_classifier_is_saved_in_the_model_and_ranks_intents(tmp_path: Path) -> None:
    loaded = _classifier(tmp_path)
    message = Message.build(text="后天会不会下大雨")
    JiebaTokenizer.create(JiebaTokenizer.get_default_config(), None, None, None).process([message])  # type: ignore[arg-type]
    loaded.process([message])
    assert message.get("intent")["name"] == "ask_weather_like"
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][:2] == ["ask_weather_like", "ask_food_like"]
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_intent_classifier_without_a_trained_model_sets_no_intent(tmp_path: Path) -> None:
    context = ExecutionContext(GraphSchema({}), "test")
    untrained = EmbeddingIntentClassifier.load(
        {}, LocalModelStorage(tmp_path), Resource("none"), context
    )
    message = Message.build(text="你好")
    untrained.process([message])
    assert message.get("intent") is None


def _packed(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")


def _with_vector(text: str, given: dict[str, object]) -> Message:
    return Message(data={"text": text, "metadata": {"channel": "web", GIVEN_VECTOR: given}})


def test_the_gateways_vector_of_the_same_text_is_used_and_removed_from_the_metadata() -> None:
    text = "明天要带伞吗"
    own = embed([text])[0]
    message = _with_vector(text, {"text": text, "e5": _packed(own)})
    rows = vectors_of([message, Message(data={"text": "晚饭做点啥"})])
    assert np.array_equal(rows[0], own)
    assert np.allclose(rows[1], embed(["晚饭做点啥"])[0])
    assert message.get("metadata") == {"channel": "web"}  # never reaches the tracker store


def test_a_vector_the_engine_would_use_decides_the_intent(tmp_path: Path) -> None:
    """The vector is really read: another sentence's vector under this text moves the reading."""
    loaded = _classifier(tmp_path)
    text = "今天会下雨吗"
    honest = _with_vector(text, {"text": text, "e5": _packed(embed([text])[0])})
    swapped = _with_vector(text, {"text": text, "e5": _packed(embed(["推荐一家面馆"])[0])})
    for message in (honest, swapped):
        JiebaTokenizer.create(JiebaTokenizer.get_default_config(), None, None, None).process(
            [message]
        )  # type: ignore[arg-type]
    loaded.process([honest, swapped])
    assert honest.get("intent")["confidence"] > swapped.get("intent")["confidence"] or (
        honest.get("intent")["name"] != swapped.get("intent")["name"]
    )


def test_a_vector_of_another_text_or_malformed_is_ignored() -> None:
    text = "外面冷不冷"
    other = _packed(embed(["中午吃什么好"])[0])
    for given in (
        {"text": "外面冷不冷吗", "e5": other},  # the gateway embedded a different text
        {"text": text, "e5": "not base64!"},
        {"text": text, "e5": _packed(np.zeros(10))},  # wrong size
        {"text": text, "e5": _packed(np.full(384, np.nan))},
        {"text": text},
    ):
        message = _with_vector(text, given)
        assert given_vector(message) is None
        assert GIVEN_VECTOR not in message.get("metadata")
    assert np.allclose(
        vectors_of([_with_vector(text, {"text": "x", "e5": other})])[0], embed([text])[0]
    )
