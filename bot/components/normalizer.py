"""Normalise user text (traditional → simplified, full-width → half-width) before tokenisation."""

from __future__ import annotations

import unicodedata
from typing import Any

from opencc import OpenCC
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_converter: OpenCC | None = None


def normalize_text(text: str) -> str:
    """Return NFKC-normalised simplified Chinese, so 繁體 and full-width input reach NLU alike."""
    global _converter
    if _converter is None:
        _converter = OpenCC("t2s")
    text = unicodedata.normalize("NFKC", text)
    return " ".join(_converter.convert(text).split())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ChineseNormalizer(GraphComponent):
    """Rewrites the message text in place; must come first in the pipeline."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options: the conversion table is fixed (opencc t2s)."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ChineseNormalizer:
        """Creates the component (nothing to load)."""
        return cls()

    @staticmethod
    def required_packages() -> list[str]:
        """Empty on purpose: Rasa checks these as module *and* distribution names, which differ for opencc
        (module `opencc`, distribution `opencc-python-reimplemented`); the import above fails loudly instead."""
        return []

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str) and text:
            message.set(TEXT, normalize_text(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises training examples so training and inference see the same text."""
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalises incoming messages."""
        for message in messages:
            self._normalize(message)
        return messages
