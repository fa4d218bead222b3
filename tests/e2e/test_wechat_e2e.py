"""The 公众号 channel end to end: signed plaintext pushes to /wechat, answered by the real Rasa + actions + app."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import xmltodict
from fastapi import FastAPI

from tests.api.test_wechat_fakes import message_xml, new_msg_id, new_openid, query
from tests.e2e.resolved import resolved_case
from tests.e2e.stack import APP_BIN, ROOT, Stack, free_port, running_stack

pytestmark = pytest.mark.e2e

TOKEN = "tuoyu-test-token"  # the token tests.api.test_wechat_fakes signs with
WECHAT_ENV = {
    "WECHAT_TOKEN": TOKEN,
    "WECHAT_MODE": "plain",
    "WECHAT_APPID": "",
    "WECHAT_APPSECRET": "",
    "WECHAT_AES_KEY": "",
    "REDIS_URL": "",
    # the first turns of a cold Rasa can take seconds; timing is covered by tests/api/test_wechat_flow.py
    "WECHAT_REPLY_BUDGET_S": "25",
}
TICKET_RE = re.compile(r"TY\d{8}-\d{4}")


def app_with_wechat() -> FastAPI:
    """uvicorn --factory target: api.main's app with the WeChat router, for when main does not mount it yet."""
    from api.main import create_app
    from api.wechat.routes import router

    app = create_app()
    if not any(getattr(route, "path", None) == "/wechat" for route in app.routes):
        app.include_router(router)
    return app


@dataclass
class WeChatStack:
    stack: Stack
    url: str  # base URL of an app serving /wechat

    def say(self, openid: str, text: str) -> str:
        """One signed plaintext text push; the passive reply's Content."""
        xml = message_xml(openid, "text", new_msg_id(), Content=text)
        response = httpx.post(
            f"{self.url}/wechat", params=query(TOKEN), content=xml.encode(), timeout=60
        )
        assert response.status_code == 200, response.text
        return xmltodict.parse(response.text)["xml"]["Content"]


@pytest.fixture(scope="module")
def wechat_stack() -> Iterator[WeChatStack]:
    """A stack whose app has WeChat settings; a sidecar app serves /wechat if api/main.py does not mount it."""
    with running_stack(extra_env=WECHAT_ENV) as stack:
        probe = httpx.get(f"{stack.url}/wechat", params=query(TOKEN, echostr="ping"), timeout=10)
        if probe.status_code == 200:
            yield WeChatStack(stack, stack.url)
            return
        port = free_port()
        log = open(stack.workdir / "wechat-app.log", "ab")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [
                str(APP_BIN / "uvicorn"),
                "--factory",
                "tests.e2e.test_wechat_e2e:app_with_wechat",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=ROOT,
            env={**stack.env, "APP_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, (stack.workdir / "wechat-app.log").read_text(
                    errors="replace"
                )
                try:
                    if (
                        httpx.get(
                            f"{url}/wechat", params=query(TOKEN, echostr="ping"), timeout=3
                        ).text
                        == "ping"
                    ):
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "WeChat sidecar app did not start"
                time.sleep(0.5)
            yield WeChatStack(stack, url)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            log.close()


def test_paternity_leave_over_plaintext_wechat(wechat_stack: WeChatStack) -> None:
    reply = wechat_stack.say(new_openid(), "老公陪产假能休几天呀？")
    assert "20" in reply
    assert "依据：攀仁府办〔2020〕128号" in reply


def _option(reply: str, title: str) -> str:
    """The number the reply offers for the option titled `title`."""
    match = re.search(rf"回复 (\d+)：{title}", reply)
    assert match, reply
    return match.group(1)


def test_a_complaint_filed_through_wechat_is_stored_with_the_wechat_channel(
    wechat_stack: WeChatStack,
) -> None:
    openid = new_openid()
    reply = wechat_stack.say(
        openid, "想投诉一下 小太阳托育中心 交了半年的费突然说不办了 钱也不退😡"
    )
    answers = [
        ("哪家", "小太阳托育中心"),
        ("乡镇", "大河中路街道"),
        ("什么时候", "就上个礼拜"),
        ("电话", "不留"),
    ]
    for _ in range(6):
        if "确认提交" in reply:
            break
        answer = next((a for cue, a in answers if cue in reply), None)
        assert answer, f"unexpected prompt: {reply}"
        reply = wechat_stack.say(openid, answer)
    receipt = wechat_stack.say(openid, _option(reply, "确认提交"))  # numbered option, not the words
    ticket = TICKET_RE.search(receipt)
    assert ticket, receipt
    with sqlite3.connect(wechat_stack.stack.workdir / "tuoyu.db") as db:
        rows = db.execute(
            "SELECT ticket, channel, sender_id FROM complaints WHERE sender_id = ?",
            (f"wx:{openid}",),
        ).fetchall()
    assert rows == [(ticket.group(0), "wechat", f"wx:{openid}")]


def test_the_family_reads_the_result_over_wechat(wechat_stack: WeChatStack) -> None:
    result = "园方已把多收的 900 元退回家长账户，联系人手机 13744445555"
    ticket, pin = resolved_case(wechat_stack.stack, result)
    openid = new_openid()
    ask = wechat_stack.say(openid, f"帮我查查工单 {ticket} 的进度")
    assert "查询码" in ask, ask
    reply = wechat_stack.say(openid, pin)
    assert "当前状态：已办结" in reply, reply
    assert re.search(r"办理结果（\d{4}-\d{2}-\d{2}）：园方已把多收的 900 元退回家长账户", reply), (
        reply
    )
    assert "13744445555" not in reply and "内部" not in reply
