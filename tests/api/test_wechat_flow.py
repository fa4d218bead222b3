"""/wechat conversation behaviour: retries, slow engine, events, voice, options, long answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import xmltodict

from api.wechat.config import key
from api.wechat.render import utf8_len
from tests.api.test_wechat_fakes import (  # noqa: F401 - fixtures
    Harness,
    decrypted_content,
    engine_server_fixture,
    fake_engine_fixture,
    message_xml,
    new_msg_id,
    new_openid,
    post_encrypted,
    post_plain,
    reply_content,
    text_xml,
    wechat_fixture,
)

Start = Callable[..., Harness]


def ask(h: Harness, openid: str, text: str) -> str:
    return reply_content(post_plain(h.client, text_xml(openid, text)))


def test_retried_msgid_gets_the_same_reply_and_the_engine_is_called_once(wechat: Start) -> None:
    h = wechat()
    xml = text_xml(new_openid(), "陪产假几天", msg_id=new_msg_id())
    first = post_plain(h.client, xml)
    again = post_plain(h.client, xml)
    assert "20 天" in reply_content(first)
    assert again.text == first.text
    assert h.engine.called_with("陪产假几天") == 1


def test_retry_while_the_first_delivery_is_in_flight_waits_for_the_same_reply(
    wechat: Start,
) -> None:
    h = wechat()
    h.engine.delays["托育机构要办哪些证"] = 0.8
    xml = text_xml(new_openid(), "托育机构要办哪些证", msg_id=new_msg_id())
    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(lambda _: post_plain(h.client, xml), range(3)))
    contents = {reply_content(r) for r in responses}
    assert contents == {"收到：托育机构要办哪些证"}
    assert len({r.text for r in responses}) == 1
    assert h.engine.called_with("托育机构要办哪些证") == 1


def test_retried_encrypted_push_decrypts_to_the_same_answer(wechat: Start) -> None:
    h = wechat(wechat_mode="aes")
    xml = text_xml(new_openid(), "陪产假几天", msg_id=new_msg_id())
    assert decrypted_content(post_encrypted(h.client, xml)) == decrypted_content(
        post_encrypted(h.client, xml)
    )
    assert h.engine.called_with("陪产假几天") == 1


def test_slow_engine_gets_a_holding_reply_then_the_answer_via_customer_service(
    wechat: Start,
) -> None:
    h = wechat(wechat_reply_budget_s=0.3)
    h.engine.delays["陪产假几天"] = 1.5
    openid = new_openid()
    xml = text_xml(openid, "陪产假几天", msg_id=new_msg_id())
    assert reply_content(post_plain(h.client, xml)) == "正在为您查询，请稍候…"
    assert h.sender is not None
    sent = h.sender.wait_for(1)
    assert len(sent) == 1
    assert sent[0][0] == openid
    assert "20 天" in sent[0][1] and "依据：攀仁府办〔2020〕128号" in sent[0][1]
    # WeChat retrying the slow push gets the holding reply again, not a second answer
    assert reply_content(post_plain(h.client, xml)) == "正在为您查询，请稍候…"
    assert h.engine.called_with("陪产假几天") == 1
    assert len(h.sender.sent) == 1


def test_without_appsecret_the_late_answer_comes_with_the_next_message(wechat: Start) -> None:
    h = wechat(record=False, wechat_appsecret="", wechat_reply_budget_s=0.3)
    h.engine.delays["陪产假几天"] = 1.0
    openid = new_openid()
    assert ask(h, openid, "陪产假几天") == "正在为您查询，请稍候…"
    _wait_for_key(h, key("later", openid))
    content = ask(h, openid, "谢谢哈")
    assert content.startswith("上次的问题回复如下…")
    assert content.index("20 天") < content.index("收到：谢谢哈")
    assert "上次的问题" not in ask(h, openid, "好的")  # delivered once


def _wait_for_key(h: Harness, name: str) -> None:
    """Poll the channel's store (on the app's event loop) until the late answer is there."""
    deadline = time.monotonic() + 30
    while h.client.portal.call(h.channel.store.get, name) is None:
        assert time.monotonic() < deadline, "late answer never stored"
        time.sleep(0.05)


def test_subscribe_gets_the_welcome_and_unsubscribe_gets_success(wechat: Start) -> None:
    h = wechat()
    openid = new_openid()
    welcome = reply_content(
        post_plain(h.client, message_xml(openid, "event", Event="subscribe", EventKey=""))
    )
    assert "攀仁府办〔2020〕128号" in welcome and "回复数字" in welcome
    bye = post_plain(h.client, message_xml(openid, "event", Event="unsubscribe", EventKey=""))
    assert bye.status_code == 200 and bye.text == "success"
    assert h.engine.calls == []


def test_voice_with_recognition_is_answered_like_text(wechat: Start) -> None:
    h = wechat()
    xml = message_xml(
        new_openid(), "voice", new_msg_id(), MediaId="m1", Format="amr", Recognition="陪产假几天"
    )
    assert "20 天" in reply_content(post_plain(h.client, xml))


def test_voice_without_recognition_asks_to_type_or_repeat(wechat: Start) -> None:
    h = wechat()
    xml = message_xml(new_openid(), "voice", new_msg_id(), MediaId="m1", Format="amr")
    assert "没听清，请打字或再说一次" in reply_content(post_plain(h.client, xml))
    assert h.engine.calls == []


@pytest.mark.parametrize(
    ("msg_type", "fields", "named"),
    [
        ("image", {"PicUrl": "http://mmbiz.qpic.cn/x", "MediaId": "m"}, "图片"),
        (
            "location",
            {"Location_X": "26.5", "Location_Y": "101.7", "Scale": "15", "Label": "仁和区"},
            "位置",
        ),
        ("link", {"Title": "t", "Description": "d", "Url": "http://example.cn"}, "链接"),
    ],
)
def test_other_message_types_get_a_polite_text_only_explanation(
    wechat: Start, msg_type: str, fields: dict[str, str], named: str
) -> None:
    h = wechat()
    content = reply_content(
        post_plain(h.client, message_xml(new_openid(), msg_type, new_msg_id(), **fields))
    )
    assert named in content and "文字和语音" in content
    assert h.engine.calls == []


def test_buttons_become_numbered_options_and_a_number_sends_the_payload(wechat: Start) -> None:
    h = wechat()
    openid = new_openid()
    greeting = ask(h, openid, "你好")
    assert "回复 1：陪产假有几天" in greeting and "回复 2：托班收多大的孩子" in greeting
    assert "20 天" in ask(h, openid, "１")  # full-width digit, as some keyboards send it
    assert h.engine.calls[-1]["message"] == "/ask_paternity_leave"
    # that answer had no options, so "2" is now just text
    ask(h, openid, "2")
    assert h.engine.calls[-1]["message"] == "2"


def test_options_belong_to_one_user(wechat: Start) -> None:
    h = wechat()
    ask(h, new_openid(), "你好")
    ask(h, new_openid(), "1")
    assert h.engine.calls[-1]["message"] == "1"


def test_long_answer_is_split_and_the_rest_comes_with_more(wechat: Start) -> None:
    h = wechat()
    paragraphs = [f"第{i}段：" + "托育服务机构应当落实安全管理责任，" * 12 for i in range(1, 9)]
    h.engine.replies["长一点的"] = [{"custom": {"kind": "answer", "text": "\n".join(paragraphs)}}]
    openid = new_openid()
    parts = [ask(h, openid, "长一点的")]
    while parts[-1].endswith("回复「更多」查看剩余内容"):
        parts.append(ask(h, openid, "更多"))
        assert len(parts) < 10
    assert len(parts) > 1
    assert all(utf8_len(p) <= 2048 for p in parts)
    joined = "\n".join(p.removesuffix("回复「更多」查看剩余内容").strip() for p in parts)
    assert joined.split("\n") == paragraphs
    assert "没有更多内容了" in ask(h, openid, "更多")
    assert h.engine.called_with("更多") == 0


def test_late_long_answer_goes_out_in_parts_within_the_limit(wechat: Start) -> None:
    h = wechat(wechat_reply_budget_s=0.2)
    text = "婴幼儿照护服务" * 400
    h.engine.replies["慢又长"] = [{"custom": {"kind": "answer", "text": text}}]
    h.engine.delays["慢又长"] = 0.8
    ask(h, new_openid(), "慢又长")
    assert h.sender is not None
    sent = h.sender.wait_for(5)  # 8400 bytes → 5 parts of ≤ 2048
    assert len(sent) == 5
    assert all(utf8_len(t) <= 2048 for _, t in sent)
    assert "".join(t for _, t in sent) == text


def test_engine_down_gives_the_hotline_not_an_error(wechat: Start) -> None:
    h = wechat(rasa_url="http://127.0.0.1:9", action_url="http://127.0.0.1:9")
    content = ask(h, new_openid(), "陪产假几天")
    assert "12345" in content


def test_reply_is_addressed_back_to_the_user(wechat: Start) -> None:
    h = wechat()
    openid = new_openid()
    reply = xmltodict.parse(post_plain(h.client, text_xml(openid, "陪产假几天")).text)["xml"]
    assert reply["ToUserName"] == openid and reply["FromUserName"] == "gh_tuoyu"


def test_with_redis_the_dedup_store_is_shared_and_the_engine_called_once(wechat: Start) -> None:
    h = wechat(redis_url="redis://127.0.0.1:6379/0")
    openid = new_openid()
    xml = text_xml(openid, "你好", msg_id=new_msg_id())
    first, again = post_plain(h.client, xml), post_plain(h.client, xml)
    assert again.text == first.text
    assert h.engine.called_with("你好") == 1
    assert "20 天" in ask(h, openid, "1")  # options remembered in Redis too
