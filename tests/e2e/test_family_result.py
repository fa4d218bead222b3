"""The family reads the department's 办理结果 in the web chat's status lookup (full stack with Rasa, Chromium)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.browser import launch_browser
from tests.e2e.resolved import resolved_case
from tests.e2e.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REPLY_MS = 30_000
PHONE = {"width": 360, "height": 740}
RESULT = "经核查，园方已退还多收的保育费 1200 元，园长（电话 13655556666）已向家长道歉"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()


def test_family_sees_the_result_in_the_web_chat_lookup(browser: Browser, stack: Stack) -> None:
    ticket, pin = resolved_case(stack, RESULT)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(stack.url.rstrip("/") + "/")
    expect(page.locator("#app[data-ready='true']")).to_be_attached()
    box = page.get_by_label("输入你的问题")
    box.fill(f"我想查一下工单 {ticket} 的进度")
    box.press("Enter")
    expect(page.locator(".msg--reply").filter(has_text="查询码").last).to_be_visible(
        timeout=REPLY_MS
    )
    box.fill(pin)
    box.press("Enter")
    reply = page.locator(".msg--reply").filter(has_text="办理结果").last
    expect(reply).to_be_visible(timeout=REPLY_MS)
    expect(reply).to_contain_text("当前状态：已办结")
    expect(reply).to_contain_text(re.compile(r"办理结果（\d{4}-\d{2}-\d{2}）：经核查，园方已退还"))
    text = reply.inner_text()
    assert "13655556666" not in text and "内部" not in text  # masked, internal note never shown
    context.close()
    assert errors == []
