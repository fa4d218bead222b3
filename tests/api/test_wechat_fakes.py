"""Test doubles for the WeChat tests: a real HTTP engine speaking Rasa's REST webhook, and payload builders.

Holds no tests; the other test_wechat_* modules import from it (fixtures: engine_server, fake_engine, wechat).
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
import xmltodict
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from httpx import Response
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from api.config import Settings
from api.main import create_app
from api.wechat.routes import get_channel
from api.wechat.routes import router as wechat_router
from api.wechat.sender import RecordingSender
from api.wechat.service import WeChatChannel, build_channel

TOKEN = "tuoyu-test-token"
APPID = "wx0123456789abcdef"
AES_KEY = base64.b64encode(b"0123456789abcdefghijklmnopqrstuv").decode().rstrip("=")
POLICY_DOC = "renhe-2020-128"
PATERNITY = [
    {
        "custom": {
            "kind": "answer",
            "text": "男方护理假 20 天，视为出勤，工资福利待遇不变。",
            "sources": [
                {
                    "doc": POLICY_DOC,
                    "section": "三、主要任务 /（一）/ 1.",
                    "quote": "给予男方护理假20天" * 5,
                }
            ],
        }
    }
]
GREETING = [
    {
        "text": "您好！想了解哪方面？",
        "buttons": [
            {"title": "陪产假有几天", "payload": "/ask_paternity_leave"},
            {"title": "托班收多大的孩子", "payload": "/ask_kindergarten_toban"},
        ],
    },
    {"custom": {"kind": "smalltalk"}},
]


@dataclass
class FakeEngine:
    """Scripted Rasa: replies by message text, optional per-message delay, and a log of every call."""

    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def reset(self) -> None:
        self.replies = {
            "陪产假几天": PATERNITY,
            "/ask_paternity_leave": PATERNITY,
            "你好": GREETING,
        }
        self.delays = {}
        self.calls = []

    def called_with(self, text: str) -> int:
        return sum(1 for call in self.calls if call["message"] == text)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/rest/webhook")
        async def webhook(request: Request) -> list[dict[str, Any]]:
            body = await request.json()
            self.calls.append(body)
            await asyncio.sleep(self.delays.get(body["message"], 0.0))
            default = [{"custom": {"kind": "answer", "text": f"收到：{body['message']}"}}]
            return [
                {"recipient_id": body["sender"], **m}
                for m in self.replies.get(body["message"], default)
            ]

        @app.get("/status")
        async def status() -> dict[str, str]:
            return {"model_file": "fake.tar.gz"}

        @app.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(app: FastAPI, port: int | None = None) -> tuple[str, Callable[[], None]]:
    """Run an ASGI app with uvicorn in a thread (on `port`, or a free one); returns its URL and a stop function."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake engine did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def query(token: str = TOKEN, **extra: str) -> dict[str, str]:
    """Fresh timestamp/nonce and the signature WeChat computes from the token."""
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    return {
        "signature": sign(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        **extra,
    }


def new_openid() -> str:
    return "oX" + base64.urlsafe_b64encode(os.urandom(19)).decode()[:26]


def message_xml(openid: str, msg_type: str, msg_id: int | None = None, **fields: str) -> str:
    """A push as WeChat sends it (to the 公众号 gh_ id)."""
    body = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items())
    msg_id_xml = f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[gh_tuoyu]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
        f"{body}{msg_id_xml}</xml>"
    )


def text_xml(openid: str, content: str, msg_id: int | None = None) -> str:
    return message_xml(
        openid, "text", msg_id if msg_id is not None else new_msg_id(), Content=content
    )


def new_msg_id() -> int:
    return int.from_bytes(os.urandom(7), "big")


def post_plain(client: TestClient, xml: str, token: str = TOKEN) -> Response:
    return client.post("/wechat", params=query(token), content=xml.encode("utf-8"))


def crypto() -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, APPID)


def post_encrypted(client: TestClient, xml: str, *, tamper: bool = False) -> Response:
    """Encrypt like WeChat's 安全模式: body carries Encrypt, the query carries msg_signature."""
    params = query(encrypt_type="aes")
    sealed = xmltodict.parse(crypto().encrypt_message(xml, params["nonce"], params["timestamp"]))[
        "xml"
    ]
    params["msg_signature"] = (
        sealed["MsgSignature"] if not tamper else sign("x", sealed["MsgSignature"])
    )
    body = f"<xml><ToUserName><![CDATA[gh_tuoyu]]></ToUserName><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
    return client.post("/wechat", params=params, content=body.encode("utf-8"))


def reply_content(response: Response) -> str:
    """Content of a plaintext passive text reply."""
    assert response.status_code == 200, response.text
    reply = xmltodict.parse(response.text)["xml"]
    assert reply["MsgType"] == "text"
    return reply["Content"]


def decrypted_content(response: Response) -> str:
    """Content of an encrypted passive reply, decrypted the way WeChat would."""
    assert response.status_code == 200, response.text
    sealed = xmltodict.parse(response.text)["xml"]
    plain = crypto().decrypt_message(
        response.text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"]
    )
    return xmltodict.parse(plain)["xml"]["Content"]


@dataclass
class Harness:
    """The app under test with its channel, the recording sender (if used) and the fake engine."""

    client: TestClient
    channel: WeChatChannel
    sender: RecordingSender | None
    engine: FakeEngine
    settings: Settings


@pytest.fixture(scope="module", name="engine_server")
def engine_server_fixture() -> Iterator[FakeEngine]:
    fake = FakeEngine()
    fake.reset()
    fake.url, stop = serve(fake.app())
    yield fake
    stop()


@pytest.fixture(name="fake_engine")
def fake_engine_fixture(engine_server: FakeEngine) -> FakeEngine:
    """The module's fake engine with its script and call log reset."""
    engine_server.reset()
    return engine_server


@pytest.fixture(name="wechat")
def wechat_fixture(
    settings_override: Callable[..., Settings], fake_engine: FakeEngine
) -> Iterator[Callable[..., Harness]]:
    """Factory: wechat(record=True, **settings) → the real app (api.main.create_app) with /wechat, started."""
    started: list[TestClient] = []

    def start(*, record: bool = True, **overrides: Any) -> Harness:
        env: dict[str, Any] = {
            "rasa_url": fake_engine.url,
            "action_url": fake_engine.url,
            "redis_url": "",
            "wechat_token": TOKEN,
            "wechat_appid": APPID,
            "wechat_appsecret": "",
            "wechat_aes_key": AES_KEY,
            "wechat_mode": "compat",
            "wechat_reply_budget_s": 3.0,
        }
        env.update(overrides)
        settings = settings_override(**env)
        app = create_app()
        if not any(getattr(route, "path", None) == "/wechat" for route in app.routes):
            app.include_router(wechat_router)  # until api/main.py mounts it
        sender = RecordingSender() if record else None
        channel = build_channel(settings, sender=sender)
        app.dependency_overrides[get_channel] = lambda: channel
        client = TestClient(app)
        client.__enter__()
        started.append(client)
        return Harness(client, channel, sender, fake_engine, settings)

    yield start
    for client in started:
        client.__exit__(None, None, None)
