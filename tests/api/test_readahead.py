"""The app works ahead: a conversation's last topic is remembered, and the answer's second reading of the
next message is embedded before the answer asks for it."""

from __future__ import annotations

import time

from api.config import get_settings
from api.kb.schemas import AnswerRequest
from api.kb.service import answer
from api.readahead import TOPICS, RecentTopics
from knowledge.answer import joined_reading, read_ahead
from knowledge.embed import recent
from knowledge.loader import load_knowledge
from knowledge.pinyin import readable


def test_topics_are_kept_per_conversation_and_the_oldest_forgotten() -> None:
    topics = RecentTopics(size=2)
    topics.remember("a", "paternity-leave")
    topics.remember("b", "parental-leave")
    topics.remember("a", None)  # an answer without a topic leaves the slot as it was
    assert topics.get("a") == "paternity-leave"
    topics.remember("a", "parental-leave")  # a newer answer in the same conversation
    topics.remember("c", "toban-age")
    assert topics.get("b") is None  # the one answered longest ago
    assert (topics.get("a"), topics.get("c")) == ("parental-leave", "toban-age")
    topics.remember(None, "x")
    assert topics.get("") is None


def test_an_answer_remembers_the_topic_it_set_for_its_conversation() -> None:
    sender = f"ahead-{time.monotonic_ns()}"
    read = answer(
        request=AnswerRequest(text="男职工陪产假可以休几天", sender_id=sender),
        settings=get_settings(),
    )
    assert read.topic and TOPICS.get(sender) == read.topic


def _waited(text: str) -> bool:
    for _ in range(200):
        if recent(text) is not None:
            return True
        time.sleep(0.05)
    return False


def test_the_second_reading_is_embedded_ahead_for_a_known_topic_only() -> None:
    prev = load_knowledge().entry("paternity-leave")
    assert prev is not None
    one = f"那要是剖腹产呢 {time.monotonic_ns()}"
    read_ahead(text=one, topic="paternity-leave")
    assert _waited(readable(joined_reading(prev, one)))
    lost = f"这个怎么申请 {time.monotonic_ns()}"
    read_ahead(text=lost, topic=None)
    read_ahead(text=lost, topic="no-such-entry")
    time.sleep(0.3)
    assert recent(readable(joined_reading(prev, lost))) is None
