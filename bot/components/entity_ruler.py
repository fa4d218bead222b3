"""spaCy EntityRuler built from the reviewed entity vocabulary at training time and stored in the model."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import spacy
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

# Child ages typed as 两岁半 / 18个月 / 2岁 / 一岁多: token patterns over spaCy's per-character zh tokens.
_DIGIT = {"TEXT": {"REGEX": "^[0-9０-９一二两三四五六七八九十半]$"}, "OP": "+"}
AGE_PATTERNS: list[dict[str, Any]] = [
    {
        "label": "child_age",
        "pattern": [_DIGIT, {"TEXT": "岁"}, {"TEXT": {"IN": ["半", "多"]}, "OP": "?"}],
    },
    {
        "label": "child_age",
        "pattern": [_DIGIT, {"TEXT": "个", "OP": "?"}, {"TEXT": "月"}, {"TEXT": "大"}],
    },
    {"label": "child_age", "pattern": [_DIGIT, {"TEXT": "个"}, {"TEXT": "月"}]},
]


def build_patterns(vocab: dict[str, dict[str, list[str]]]) -> list[dict[str, Any]]:
    """Turn {entity: {canonical: [aliases]}} into EntityRuler phrase patterns whose id is the canonical value."""
    patterns: list[dict[str, Any]] = []
    for label, values in vocab.items():
        for canonical, aliases in (values or {}).items():
            for phrase in {str(canonical), *(str(a) for a in aliases or [])}:
                patterns.append({"label": label, "pattern": phrase.lower(), "id": str(canonical)})
    return patterns + AGE_PATTERNS


def build_nlp(patterns: list[dict[str, Any]]) -> spacy.language.Language:
    """A blank zh pipeline (character segmentation, no weights to download) with one EntityRuler."""
    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    ruler.add_patterns(patterns)
    return nlp


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class SpacyEntityRuler(GraphComponent, EntityExtractorMixin):
    """Extracts department, leave type, service type, place and child age with canonical values."""

    DIR_NAME = "spacy_entity_ruler"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`lookup_path`: the reviewed vocabulary file read at training time."""
        return {"lookup_path": "bot/lookup/entities.yml"}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        nlp: Any = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._nlp = nlp

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyEntityRuler:
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    @staticmethod
    def required_packages() -> list[str]:
        """spaCy (blank zh); PyYAML comes with Rasa."""
        return ["spacy"]

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the ruler from the vocabulary file and saves it into the model archive."""
        path = Path(self._config["lookup_path"])
        vocab = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self._nlp = build_nlp(build_patterns(vocab))
        with self._model_storage.write_to(self._resource) as directory:
            self._nlp.to_disk(Path(directory) / self.DIR_NAME)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpacyEntityRuler:
        """Loads the ruler saved at training time; untrained if the model lacks it."""
        try:
            with model_storage.read_from(resource) as directory:
                nlp = spacy.load(Path(directory) / cls.DIR_NAME)
        except (ValueError, OSError):
            logger.warning(
                "SpacyEntityRuler has no trained ruler in the model; extracting nothing."
            )
            nlp = None
        return cls(config, model_storage, resource, nlp)

    def extract(self, text: str) -> list[dict[str, Any]]:
        """Entities with character offsets and canonical values."""
        if self._nlp is None or not text:
            return []
        doc = self._nlp(text)
        return [
            {
                ENTITY_ATTRIBUTE_TYPE: ent.label_,
                ENTITY_ATTRIBUTE_START: ent.start_char,
                ENTITY_ATTRIBUTE_END: ent.end_char,
                ENTITY_ATTRIBUTE_VALUE: ent.ent_id_ or ent.text,
            }
            for ent in doc.ents
        ]

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the ruler's entities to each message."""
        for message in messages:
            entities = self.add_extractor_name(self.extract(message.get(TEXT) or ""))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
