"""NLU check on a held-out split of our own training data (`make test-nlu`, part of `make test`).

Splits data/nlu 80/20 per intent with a fixed seed, trains an NLU-only model on the 80 %, tests the 20 %,
prints the per-intent report and fails below the accuracy floor.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
FLOOR = 0.80  # weighted intent F1 on unseen examples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=str(ROOT / "config.yml"), help="pipeline to score")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tuoyu-nlu-holdout-"))
    data = load_data(str(ROOT / "data" / "nlu"))
    train, test = data.train_test_split(train_frac=0.8, random_seed=42)
    (work / "train.yml").write_text(train.nlu_as_yaml(), encoding="utf-8")
    (work / "test.yml").write_text(test.nlu_as_yaml(), encoding="utf-8")
    started = time.monotonic()
    subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "--config",
            args.config,
            "--nlu",
            str(work / "train.yml"),
            "--out",
            str(work),
            "--fixed-model-name",
            "holdout",
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
    )
    trained_s = time.monotonic() - started
    subprocess.run(
        [
            RASA,
            "test",
            "nlu",
            "--model",
            str(work / "holdout.tar.gz"),
            "--nlu",
            str(work / "test.yml"),
            "--out",
            str(work / "results"),
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    report = json.loads((work / "results" / "intent_report.json").read_text(encoding="utf-8"))
    weighted = report["weighted avg"]["f1-score"]
    print(
        f"held-out examples: {len(test.intent_examples)}  accuracy: {report['accuracy']:.3f}  "
        f"weighted F1: {weighted:.3f}  NLU training on 80 %: {trained_s:.0f} s ({Path(args.config).name})"
    )
    worst = sorted(
        (
            (v["f1-score"], k)
            for k, v in report.items()
            if isinstance(v, dict)
            and "support" in v
            and k not in ("macro avg", "weighted avg", "micro avg")
        )
    )[:8]
    for f1, name in worst:
        print(f"  {name:28s} F1 {f1:.2f}")
    if weighted < FLOOR:
        print(f"NLU held-out weighted F1 {weighted:.3f} is below {FLOOR}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
