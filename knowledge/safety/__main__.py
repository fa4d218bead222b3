"""`python -m knowledge.safety build|evaluate [FILE]`: fit the cached detector, score it."""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.artefact import show_progress
from knowledge.safety.evaluate import report, score, score_file


def main(argv: list[str]) -> int:
    """build: fit the shipped detector (make train; the held-out one only when figures are asked for);
    evaluate: held-out figures, and any YAML sets given."""
    from knowledge.safety.detector import held_out_model, model

    if not argv or argv[0] not in {"build", "evaluate"}:
        print(__doc__)
        return 2
    show_progress()
    model()
    if argv[0] == "build":
        print(f"safety detector ready (threshold {model().threshold:.3f})")
        return 0
    held = held_out_model()
    print(report("held-out split (never fitted on)", score(detector=held)))
    for path in argv[1:]:
        print(report(Path(path).name, score_file(Path(path))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
