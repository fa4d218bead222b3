"""The embedded default's tracker store: Rasa's SQL store, with each conversation's live tracker kept after
its save, so the next turn starts from it instead of reading every event back and replaying them.

Rasa's `SQLTrackerStore.retrieve` loads all of the session's events and rebuilds the tracker from them on
every turn, a cost that grows with the conversation (~6 ms at a few turns, several times that after
forty). Saving is unchanged and still written through before the tracker is kept, so the database always
holds the whole conversation and an engine restart continues it. A kept tracker is handed out once (taken
out of the memory on `retrieve`) and comes back only with the next successful save: a turn that fails half
way leaves nothing half-updated in memory, and the next one reads the database as before.

One engine process only (bot/endpoints.yml). The scaled deployment (several engines behind one database)
keeps Rasa's plain SQL store, where another process may have written the conversation in between. Not a
training input (the Makefile leaves it out, like launch.py): it changes how the engine runs, not the model.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

# conversations kept in memory; older ones are read from the database when they come back
KEPT = 512


class KeptSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that keeps the last saved tracker of recent conversations in memory."""

    def __init__(self, *args: Any, kept: int = KEPT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._size = int(kept)
        self._kept: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._lock = threading.Lock()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The kept tracker (taken out of the memory until it is saved again), else the database's."""
        with self._lock:
            tracker = self._kept.pop(sender_id, None)
        if tracker is not None:
            return tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Written to the database first; kept only once that succeeded."""
        await super().save(tracker)
        with self._lock:
            self._kept[tracker.sender_id] = tracker
            self._kept.move_to_end(tracker.sender_id)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
