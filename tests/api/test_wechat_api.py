"""/wechat transport: handshake, configuration, signatures, 安全模式 encryption, what gets logged."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from api.engine import GIVEN_VECTOR
from tests.api.test_wechat_fakes import (  # noqa: F401 - fixtures
    TOKEN,
    Harness,
    decrypted_content,
    engine_server_fixture,
    fake_engine_fixture,
    new_openid,
    post_encrypted,
    post_plain,
    query,
    reply_content,
    text_xml,
    wechat_fixture,
)

Start = Callable[..., Harness]


def test_handshake_echoes_echostr_for_a_valid_signature(wechat: Start) -> None:
    h = wechat()
    response = h.client.get("/wechat", params=query(echostr="8734619283746"))
    assert response.status_code == 200
    assert response.text == "8734619283746"
    assert response.headers["content-type"].startswith("text/plain")


def test_handshake_with_a_wrong_signature_is_403_and_logged_without_payload(
    wechat: Start, caplog: pytest.LogCaptureFixture
) -> None:
    h = wechat()
    caplog.set_level(logging.INFO)
    response = h.client.get(
        "/wechat", params=query(token="not-the-token", echostr="secret-echo-777")
    )
    assert response.status_code == 403
    assert "secret-echo-777" not in response.text
    assert any("bad signature" in r.getMessage() for r in caplog.records)
    assert not any(
        "secret-echo-777" in r.getMessage() for r in caplog.records if r.name.startswith("api.")
    )


def test_unconfigured_channel_answers_503_naming_the_missing_setting(
    wechat: Start, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    h = wechat(wechat_token="")
    for response in (
        h.client.get("/wechat", params=query(echostr="1")),
        post_plain(h.client, text_xml(new_openid(), "在吗")),
    ):
        assert response.status_code == 503
        assert "WeChat channel not configured: missing WECHAT_TOKEN" in response.text
    assert h.engine.calls == []
    # the router's startup (mounted via create_app or by the harness) lists what is missing
    assert any("missing settings: WECHAT_TOKEN" in r.getMessage() for r in caplog.records)


def test_aes_mode_requires_appid_and_aes_key(wechat: Start) -> None:
    h = wechat(wechat_mode="aes", wechat_appid="", wechat_aes_key="")
    response = h.client.get("/wechat", params=query(echostr="1"))
    assert response.status_code == 503
    assert "WECHAT_APPID" in response.text and "WECHAT_AES_KEY" in response.text
    assert "WECHAT_TOKEN" not in response.text


def test_plaintext_message_gets_an_xml_reply_with_the_answer_and_one_line_citation(
    wechat: Start,
) -> None:
    h = wechat()
    openid = new_openid()
    response = post_plain(h.client, text_xml(openid, "陪产假几天"))
    assert response.headers["content-type"].startswith("application/xml")
    content = reply_content(response)
    assert "20 天" in content
    assert "依据：攀仁府办〔2020〕128号 三、主要任务 /（一）/ 1." in content
    assert "给予男方护理假20天" not in content  # no long quotes
    call = h.engine.calls[-1]
    assert call["sender"] == f"wx:{openid}"
    vector = call["metadata"].pop(
        GIVEN_VECTOR
    )  # the emergency check's vector, for the engine to reuse
    assert vector["text"] == "陪产假几天"
    assert call["metadata"] == {"channel": "wechat"}


def test_long_openid_is_cut_to_the_sender_id_limit(wechat: Start) -> None:
    h = wechat()
    post_plain(h.client, text_xml("o" * 80, "陪产假几天"))
    assert h.engine.calls[-1]["sender"] == "wx:" + "o" * 61


def test_encrypted_message_gets_an_encrypted_reply_that_decrypts_to_the_answer(
    wechat: Start,
) -> None:
    h = wechat(wechat_mode="aes")
    response = post_encrypted(h.client, text_xml(new_openid(), "陪产假几天"))
    assert "<Encrypt>" in response.text
    assert "20 天" not in response.text
    assert "20 天" in decrypted_content(response)


def test_bad_post_signature_is_403_and_never_reaches_the_engine(wechat: Start) -> None:
    h = wechat()
    response = post_plain(h.client, text_xml(new_openid(), "陪产假几天"), token="forged")
    assert response.status_code == 403
    assert h.engine.calls == []


def test_tampered_msg_signature_is_403(wechat: Start) -> None:
    h = wechat(wechat_mode="aes")
    response = post_encrypted(h.client, text_xml(new_openid(), "陪产假几天"), tamper=True)
    assert response.status_code == 403
    assert h.engine.calls == []


def test_aes_mode_refuses_plaintext_and_plain_mode_refuses_ciphertext(wechat: Start) -> None:
    assert (
        post_plain(wechat(wechat_mode="aes").client, text_xml(new_openid(), "你好")).status_code
        == 400
    )
    plain = wechat(wechat_mode="plain")
    assert post_encrypted(plain.client, text_xml(new_openid(), "你好")).status_code == 400
    assert plain.engine.calls == []


def test_garbage_body_is_400(wechat: Start) -> None:
    h = wechat()
    response = h.client.post("/wechat", params=query(), content=b"<xml><oops")
    assert response.status_code == 400


def test_logs_mask_openid_and_never_contain_message_text(
    wechat: Start, caplog: pytest.LogCaptureFixture
) -> None:
    h = wechat(wechat_reply_budget_s=0.2)
    h.engine.delays["我电话13800001111 想问下托班"] = 0.6
    caplog.set_level(logging.DEBUG)
    openid = new_openid()
    post_plain(h.client, text_xml(openid, "我电话13800001111 想问下托班"))
    assert h.sender is not None and h.sender.wait_for(1)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("api."))
    assert f"{openid[:4]}…" in logged
    assert openid not in logged
    assert "13800001111" not in logged
    assert TOKEN not in logged
