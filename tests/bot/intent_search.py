"""Choose the intent classifier's `C` and `dense_weight` by k-fold cross-validation on the training part only.

Uses the same 80/20 split as `nlu_holdout.py` and never looks at the held-out 20 %; the real component
(`bot.components.intent_classifier`) is trained per fold on jieba tokens with the bot dictionary (the lookup
features of RegexFeaturizer are left out here, so figures are a little below the pipeline's). Prints accuracy,
weighted F1 and, per candidate fallback threshold, how many turns would fall back and how many errors that catches.

    .venv-engine/bin/python tests/bot/intent_search.py [--folds 5] [--grid 3,10,30x2,4,8]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.components import intent_classifier  # noqa: E402
from bot.components.intent_classifier import EmbeddingIntentClassifier  # noqa: E402
from bot.components.normalizer import normalize_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--grid", default="3,10,30x2,4,8", help="C values x dense weights")
    args = parser.parse_args()
    cs, ws = ([float(v) for v in part.split(",")] for part in args.grid.split("x"))
    train, _ = load_data(str(ROOT / "data" / "nlu")).train_test_split(
        train_frac=0.8, random_seed=42
    )
    texts = [normalize_text(m.get("text")) for m in train.intent_examples]
    labels = np.array([m.get("intent") for m in train.intent_examples])
    context = ExecutionContext(GraphSchema({}), "search")
    storage = LocalModelStorage(Path(tempfile.mkdtemp(prefix="tuoyu-intent-search-")))
    tokenizer = JiebaTokenizer.create(
        {
            **JiebaTokenizer.get_default_config(),
            "dictionary_path": str(ROOT / "bot" / "dictionary"),
        },
        storage,
        Resource("tokenizer"),
        context,
    )

    def messages(indices: np.ndarray, with_intent: bool) -> list[Message]:
        built = [
            Message.build(text=texts[i], intent=labels[i] if with_intent else None) for i in indices
        ]
        tokenizer.process(built)
        return built

    vectors = dict(zip(texts, intent_classifier.embed(texts), strict=True))
    # each text is embedded once, not once per fold
    intent_classifier.embed = lambda batch: np.stack([vectors[t] for t in batch])
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, labels))
    for c, w in itertools.product(cs, ws):
        predicted = np.empty(len(texts), dtype=object)
        confidence = np.zeros(len(texts))
        for k, (fit_on, score_on) in enumerate(folds):
            config = {"C": c, "dense_weight": w}
            component = EmbeddingIntentClassifier.create(
                config, storage, Resource(f"f{c}-{w}-{k}"), context
            )
            component.train(TrainingData(messages(fit_on, True)))
            scored = component.process(messages(score_on, False))
            predicted[score_on] = [m.get("intent")["name"] for m in scored]
            confidence[score_on] = [m.get("intent")["confidence"] for m in scored]
        right = predicted == labels
        weighted = f1_score(labels, predicted, average="weighted")
        print(
            f"C={c:g} dense_weight={w:g}: accuracy {right.mean():.3f} weighted F1 {weighted:.3f}",
            flush=True,
        )
        for threshold in (0.25, 0.3, 0.35, 0.4):
            falls = confidence < threshold
            caught = (falls & ~right).sum() / max(1, (~right).sum())
            print(
                f"    fallback below {threshold}: {falls.mean():.1%} of turns, catches {caught:.0%} of errors"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
