"""The dense half of the hybrid search: e5 vectors of every entry and of its training questions.

Each entry is seen through several "views": its own text (title, answer, keywords; e5 `passage:`) and
the labelled questions of the TRAIN split that it answers (e5 `query:`). Vectors are computed once per
text and kept in var/cache/ (knowledge.embed.cached), never per request: a request embeds only itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge.embed import cached
from knowledge.models import Entry
from knowledge.text import normalize


def entry_text(entry: Entry) -> str:
    """What an entry's passage vector is made of: title, answer and colloquial keywords."""
    return f"{entry.title}。{entry.answer} {' '.join(entry.keywords)}"


class DenseIndex:
    """Entry passage vectors and training-question views, with the entry each view belongs to."""

    def __init__(self, entries: Sequence[Entry], views: Sequence[tuple[str, str]]) -> None:
        self.ids = [e.id for e in entries]
        position = {entry_id: i for i, entry_id in enumerate(self.ids)}
        kept = [(entry_id, text) for entry_id, text in views if entry_id in position]
        self.passages = cached([entry_text(e) for e in entries], kind="passage")
        self.view_vectors = cached([text for _, text in kept], kind="query")
        self.view_entry = np.asarray([position[entry_id] for entry_id, _ in kept], dtype=np.int64)
        self._by_key: dict[str, list[int]] = {}
        for i, (_, text) in enumerate(kept):
            self._by_key.setdefault(normalize(text), []).append(i)

    def scores(
        self, vector: np.ndarray, *, exclude: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(cosine to each entry's passage, best cosine to one of its views) for a query vector.

        exclude: a training question's own text, left out of the views when it is scored itself.
        """
        passage = self.passages @ vector
        view = np.full(len(self.ids), -1.0, dtype=np.float32)
        if len(self.view_entry):
            sims = self.view_vectors @ vector
            if exclude is not None:
                for i in self._by_key.get(normalize(exclude), ()):
                    sims[i] = -1.0
            np.maximum.at(view, self.view_entry, sims)
        return passage.astype(np.float32), view
