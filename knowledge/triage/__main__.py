"""`python -m knowledge.triage build|evaluate [FILE…]`: fit the department models, report their figures.

build: the shipped model (every reviewed complaint), cached by content hash; the train-only one is
fitted (and cached) when figures are asked for, so a first `make run` waits for one fit, not two.
evaluate: k-fold cross-validated lead/set accuracy and confusion on the train part, the held-out part
(never fitted on, never used to choose anything), then the `complaints` of every eval file given.
"""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.artefact import show_progress


def main(argv: list[str]) -> int:
    """Dispatch build / evaluate."""
    from knowledge.triage.data import split
    from knowledge.triage.evaluate import (
        complaints_of,
        confusion_table,
        cross_validated,
        facts_accuracy,
        score,
        summary,
        with_model,
    )
    from knowledge.triage.loader import TRIAGE
    from knowledge.triage.model import held_out_model, model

    if not argv or argv[0] not in {"build", "evaluate"}:
        print(__doc__)
        return 2
    show_progress()
    shipped = model()
    # the held-out model is fitted when figures are asked for (make eval, tests)
    if argv[0] == "build":
        print(
            f"triage model ready: C={shipped.c}, assist threshold {shipped.assist_threshold:.2f} "
            f"(cross-validated on {shipped.cv['n']} complaints)"
        )
        return 0
    held = held_out_model()
    train, held_out = split()
    cv = cross_validated(held, train)
    print(
        f"{cv['folds']}-fold cross-validation on the train part (n={cv['n']}): "
        f"lead_accuracy={cv['lead_accuracy']}, set_accuracy={cv['set_accuracy']} "
        f"(C={cv['c']} from {cv['lead_accuracy_by_c']}, assist threshold {cv['assist_threshold']})"
    )
    print(confusion_table(cv["confusion"]))
    items = [c.model_dump() for c in held_out]
    result = score(items, predict=with_model(held))
    print(summary("held-out split (never fitted on)", result, failures="-v" in argv))
    print(confusion_table(result["confusion"]))
    right, total, misses = facts_accuracy(TRIAGE / "facts_labelled.yml")
    print(
        f"facts on facts_labelled.yml: {right}/{total} fields right ({right / total:.3f}); misses {misses}"
    )
    for arg in argv[1:]:
        path = Path(arg)
        if not path.is_file():
            continue
        complaints = complaints_of(path)
        if complaints:
            print(summary(path.name, score(complaints)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
