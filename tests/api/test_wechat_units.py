"""WeChat channel parts without HTTP: rendering, option numbers, byte-safe splitting, the stores."""

from __future__ import annotations

import uuid

import pytest
import redis

from api.chat.schemas import Button, ChatMessage, ChatResponse, Source
from api.config import Settings
from api.wechat.config import missing_settings, sender_id
from api.wechat.render import option_number, render, split, utf8_len
from api.wechat.sender import NextMessageSender, RecordingSender, WeChatClientSender, make_sender
from api.wechat.store import MemoryStore, RedisStore

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_render_numbers_buttons_across_messages_and_cites_compactly() -> None:
    response = ChatResponse(
        kind="answer",
        messages=[
            ChatMessage(
                text="男方护理假 20 天。",
                sources=[
                    Source(
                        doc="renhe-2020-128",
                        section="三、主要任务 /（一）/ 1.",
                        quote="很长的原文" * 30,
                    ),
                    Source(
                        doc="renhe-2020-128", section="三、主要任务 /（一）/ 1.", quote="同一条"
                    ),
                ],
                buttons=[Button(title="产假呢", payload="/ask_maternity_leave")],
            ),
            ChatMessage(
                text="还想了解？", buttons=[Button(title="找人工", payload="/human_handoff")]
            ),
        ],
    )
    out = render(response, doc_names={"renhe-2020-128": "攀仁府办〔2020〕128号"})
    assert out.text.count("依据：攀仁府办〔2020〕128号 三、主要任务 /（一）/ 1.") == 1
    assert "很长的原文" not in out.text
    assert "回复 1：产假呢" in out.text and "回复 2：找人工" in out.text
    assert out.payloads == ["/ask_maternity_leave", "/human_handoff"]


def test_render_keeps_an_unknown_doc_name_as_sent() -> None:
    response = ChatResponse(
        kind="answer",
        messages=[
            ChatMessage(
                text="x", sources=[Source(doc="国务院令第619号", section="第七条", quote="q")]
            )
        ],
    )
    assert "依据：国务院令第619号 第七条" in render(response).text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1", 1),
        (" 2 ", 2),
        ("１", 1),
        ("3.", 3),
        ("2。", 2),
        ("1️⃣", 1),
        ("12", 12),
        ("1个", None),
        ("第1个", None),
        ("陪产假1天", None),
        ("", None),
        ("123", None),
    ],
)
def test_option_number(text: str, number: int | None) -> None:
    assert option_number(text) == number


def test_split_respects_the_byte_limit_and_prefers_line_ends() -> None:
    text = "\n".join(["短的一行", "长" * 1500, "结尾 ok 👍"])
    parts = split(text, 2000)
    assert all(utf8_len(p) <= 2000 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert parts[-1].endswith("结尾 ok 👍")
    assert split("不长", 2048) == ["不长"]


def test_split_never_cuts_inside_a_character() -> None:
    parts = split("👶" * 1000, 2047)  # 4-byte characters, odd limit
    assert all(utf8_len(p) <= 2047 for p in parts)
    assert "".join(parts) == "👶" * 1000


def test_missing_settings_per_mode() -> None:
    assert missing_settings(Settings(wechat_token="", wechat_mode="plain")) == ["WECHAT_TOKEN"]
    assert missing_settings(Settings(wechat_token="t", wechat_mode="plain")) == []
    aes = missing_settings(
        Settings(wechat_token="t", wechat_mode="aes", wechat_appid="", wechat_aes_key="short")
    )
    assert aes == ["WECHAT_APPID", "WECHAT_AES_KEY (43 characters)"]
    assert missing_settings(Settings(wechat_token="t", wechat_mode="secure"))[0].startswith(
        "WECHAT_MODE"
    )


def test_sender_id_is_prefixed_and_bounded() -> None:
    assert sender_id("oAbc") == "wx:oAbc"
    assert len(sender_id("o" * 100)) == 64


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_store_claim_is_set_if_absent_and_expires() -> None:
    clock = Clock()
    store = MemoryStore(clock=clock)
    assert await store.claim("k", "a", 60)
    assert not await store.claim("k", "b", 60)
    assert await store.get("k") == "a"
    clock.now += 61
    assert await store.get("k") is None
    assert await store.claim("k", "c", 60)
    assert await store.pop("k") == "c" and await store.get("k") is None


async def test_redis_store_claim_uses_nx_and_ttl() -> None:
    prefix = f"tuoyu:test:{uuid.uuid4().hex}"
    store = RedisStore(REDIS_URL)
    sync = redis.Redis.from_url(REDIS_URL)
    try:
        assert await store.claim(f"{prefix}:m", "pending", 60)
        assert not await store.claim(f"{prefix}:m", "again", 60)
        assert 0 < sync.ttl(f"{prefix}:m") <= 60
        await store.put(f"{prefix}:m", "<xml/>", 60)
        assert await store.get(f"{prefix}:m") == "<xml/>"
        assert await store.pop(f"{prefix}:m") == "<xml/>"
        assert await store.get(f"{prefix}:m") is None
    finally:
        sync.delete(f"{prefix}:m")
        sync.close()
        await store.aclose()


async def test_next_message_sender_keeps_every_part() -> None:
    store = MemoryStore()
    sender = NextMessageSender(store)
    await sender.send_text("oAbc", "第一部分")
    await sender.send_text("oAbc", "第二部分")
    assert await store.get("tuoyu:wx:later:oAbc") == "第一部分\n\n第二部分"


async def test_recording_sender_records_in_order() -> None:
    sender = RecordingSender()
    await sender.send_text("o1", "a")
    await sender.send_text("o2", "b")
    assert sender.wait_for(2, timeout=0) == [("o1", "a"), ("o2", "b")]


def test_sender_is_the_customer_service_api_only_with_appid_and_secret() -> None:
    store = MemoryStore()
    with_secret = Settings(
        wechat_appid="wx0123456789abcdef", wechat_appsecret="s" * 32, redis_url=REDIS_URL
    )
    assert isinstance(
        make_sender(with_secret, store), WeChatClientSender
    )  # builds the client, no network yet
    without = Settings(wechat_appid="wx0123456789abcdef", wechat_appsecret="")
    assert isinstance(make_sender(without, store), NextMessageSender)
