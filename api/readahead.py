"""Work the app can start before the engine asks for it: each conversation's last answered topic, kept in
memory (a small LRU, never persisted or logged), lets the chat gateway start the answer's second reading
(knowledge.answer.read_ahead) while the engine is still reading the message."""

from __future__ import annotations

import threading
from collections import OrderedDict

SIZE = 4096


class RecentTopics:
    """sender → the topic the last answer set (what the engine's `topic` slot now holds)."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._topics: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, sender_id: str | None, topic: str | None) -> None:
        """After an answer: an answer without a topic leaves the slot, and this, as it was."""
        if not sender_id or not topic:
            return
        with self._lock:
            self._topics[sender_id] = topic
            self._topics.move_to_end(sender_id)
            while len(self._topics) > self._size:
                self._topics.popitem(last=False)

    def get(self, sender_id: str) -> str | None:
        """The last topic, or None when this conversation is new here (or long forgotten)."""
        with self._lock:
            return self._topics.get(sender_id)


TOPICS = RecentTopics()
