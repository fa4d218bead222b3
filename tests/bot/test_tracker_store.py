"""bot.tracker_store: a kept tracker saves the replay, and the SQLite file still holds every conversation."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import KeptSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask_service_types]
slots:
  topic:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


def _store(path: Path, kept: int = 8) -> KeptSQLTrackerStore:
    return KeptSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path), kept=kept)


def _turn(tracker: DialogueStateTracker, text: str, topic: str) -> None:
    """One answered turn, as the engine logs it."""
    tracker.update(UserUttered(text, {"name": "ask_service_types", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_answer_policy"))
    tracker.update(BotUttered(text="托班收2到3岁的孩子"))
    tracker.update(SlotSet("topic", topic))
    tracker.update(ActionExecuted("action_listen"))


async def _saved(
    store: KeptSQLTrackerStore, sender: str, text: str, topic: str
) -> DialogueStateTracker:
    """A new conversation with one answered turn, saved."""
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    _turn(tracker, text, topic)
    await store.save(tracker)
    return tracker


def _events(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [e.as_dict() for e in tracker.events]


@pytest.mark.asyncio
async def test_the_next_turn_gets_the_saved_tracker_and_the_database_has_it_too(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path / "t.db")
    tracker = await _saved(store, "fam-1", "托班收多大的孩子", "service-types")
    assert await store.retrieve("fam-1") is tracker  # no replay
    restarted = _store(tmp_path / "t.db")  # a new engine process reads the file
    from_disk = await restarted.retrieve("fam-1")
    assert _events(from_disk) == _events(tracker)
    assert from_disk is not None and from_disk.get_slot("topic") == "service-types"


@pytest.mark.asyncio
async def test_a_kept_tracker_is_handed_out_once(tmp_path: Path) -> None:
    store = _store(tmp_path / "t.db")
    tracker = await _saved(store, "fam-2", "托班几岁能上", "service-types")
    first = await store.retrieve("fam-2")
    first.update(UserUttered("这句没有保存下来"))  # a turn that failed before its save
    again = await store.retrieve("fam-2")
    assert again is not first
    assert _events(again) == _events(tracker)[: len(_events(again))]
    assert all(e.get("text") != "这句没有保存下来" for e in _events(again))


@pytest.mark.asyncio
async def test_a_failed_save_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path / "t.db")
    tracker = DialogueStateTracker("fam-3", DOMAIN.slots)
    _turn(tracker, "托育机构归谁管", "supervision")

    async def broken(self: object, tracker: DialogueStateTracker) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("rasa.core.tracker_store.SQLTrackerStore.save", broken)
    with pytest.raises(OSError):
        await store.save(tracker)
    monkeypatch.undo()
    assert await store.retrieve("fam-3") is None  # nothing in memory, nothing on disk


@pytest.mark.asyncio
async def test_old_conversations_are_read_back_from_the_database(tmp_path: Path) -> None:
    store = _store(tmp_path / "t.db", kept=2)
    trackers = []
    for n in range(3):
        trackers.append(await _saved(store, f"fam-{n}", f"第{n}个问题 托班收费", f"topic-{n}"))
    oldest = await store.retrieve("fam-0")  # pushed out of memory by the two after it
    assert oldest is not trackers[0] and _events(oldest) == _events(trackers[0])
    assert await store.retrieve("fam-2") is trackers[2]


@pytest.mark.asyncio
async def test_later_turns_append_to_the_file(tmp_path: Path) -> None:
    store = _store(tmp_path / "t.db")
    await _saved(store, "fam-4", "育儿补贴怎么领", "subsidy")
    kept = await store.retrieve("fam-4")
    assert kept is not None
    _turn(kept, "那要带什么材料", "subsidy-materials")
    await store.save(kept)
    from_disk = await _store(tmp_path / "t.db").retrieve("fam-4")
    assert _events(from_disk) == _events(kept)
    assert from_disk is not None and from_disk.get_slot("topic") == "subsidy-materials"
