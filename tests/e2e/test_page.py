"""The web chat page at `/` driven in headless Chromium at phone width against the full stack."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

try:  # tests/ may or may not become a package; support both import layouts
    from tests.e2e.browser import launch_browser
except ImportError:
    from browser import launch_browser

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REPLY_MS = 30_000  # first answer may wait for a cold Rasa model
PHONE = {"width": 360, "height": 740}
LEAVE_QUESTION = "老婆下个月就生了，我们男的护理假能休几天啊？"
STANDALONE_20 = re.compile(r"(?<!\d)20(?!\d)")  # "20" as a number, not inside 〔2020〕
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module."""
    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()


@pytest.fixture
def chat_page(browser: Browser, stack_url: str) -> Iterator[Page]:
    """Fresh context (new localStorage) with the chat page loaded at 360 px; fails on JS errors."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    page.on(  # anything the page's Content-Security-Policy blocks shows up as a console error
        "console",
        lambda m: js_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(stack_url.rstrip("/") + "/")
    expect(page.locator("#app[data-ready='true']")).to_be_attached()
    yield page
    context.close()
    assert js_errors == []


def chat_requests(page: Page) -> list[str]:
    """Record every request the page makes to /api/chat."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/chat" in r.url else None)
    return seen


def test_leave_question_gets_20_days_with_expandable_citation(chat_page: Page) -> None:
    page = chat_page
    box = page.get_by_label("输入你的问题")
    box.fill(LEAVE_QUESTION)
    box.press("Enter")

    expect(page.locator(".msg--user").last).to_contain_text(LEAVE_QUESTION)
    expect(box).to_have_value("")
    reply = page.locator(".msg--reply").filter(has_text=STANDALONE_20).first
    expect(reply).to_be_visible(timeout=REPLY_MS)

    citation = page.locator(".msg--reply details.source").filter(has_text="128号").first
    expect(citation.locator("summary")).to_contain_text("依据：")
    quote = citation.locator(".source__quote")
    expect(quote).to_be_hidden()
    citation.locator("summary").click()
    expect(quote).to_be_visible()
    expect(quote).to_contain_text("护理假")

    expect(page.get_by_role("button", name="发送")).to_be_enabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_starter_quick_reply_shows_title_and_gets_reply(chat_page: Page) -> None:
    page = chat_page
    starters = page.locator(".msg--welcome .quick__btn")
    assert 4 <= starters.count() <= 6
    title = starters.first.inner_text()
    starters.first.click()

    expect(page.locator(".msg--user")).to_have_count(1)
    expect(page.locator(".msg--user")).to_contain_text(title)
    expect(page.locator(".msg--reply").first).to_be_visible(timeout=REPLY_MS)
    expect(page.locator(".msg--error")).to_have_count(0)


def test_send_is_disabled_while_waiting(chat_page: Page) -> None:
    page = chat_page
    page.get_by_label("输入你的问题").fill("托班收多大的娃")
    # submit and read the state in the same JS task, before any response can be handled
    busy = page.evaluate(
        """() => {
            document.getElementById('composer').requestSubmit();
            return [document.getElementById('send').disabled,
                    document.querySelectorAll('.typing').length];
        }"""
    )
    assert busy == [True, 1]
    expect(page.locator(".msg--reply").first).to_be_visible(timeout=REPLY_MS)
    expect(page.locator(".typing")).to_have_count(0)
    expect(page.get_by_role("button", name="发送")).to_be_enabled()


def test_empty_submit_does_nothing(chat_page: Page) -> None:
    page = chat_page
    sent = chat_requests(page)
    box = page.get_by_label("输入你的问题")
    box.press("Enter")
    box.fill("   \n  ")
    box.press("Enter")
    page.get_by_role("button", name="发送").click()

    expect(page.locator(".msg")).to_have_count(1)  # only the welcome
    expect(page.locator(".msg--user")).to_have_count(0)
    expect(page.locator(".typing")).to_have_count(0)
    assert sent == []


def test_1001_characters_are_refused_in_the_browser(chat_page: Page) -> None:
    page = chat_page
    sent = chat_requests(page)
    box = page.get_by_label("输入你的问题")
    counter = page.locator("#counter")
    alert = page.get_by_role("alert")

    box.fill("托" * 1001)
    expect(counter).to_have_text("1001/1000")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("1000")
    box.press("Enter")
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".msg--user")).to_have_count(0)
    expect(box).to_have_value("托" * 1001)
    assert sent == []

    box.press("Backspace")
    expect(counter).to_have_text("1000/1000")
    expect(alert).to_be_hidden()


def test_counter_counts_characters_not_utf16_units(chat_page: Page) -> None:
    page = chat_page
    page.get_by_label("输入你的问题").fill("👶" * 1000)
    expect(page.locator("#counter")).to_have_text("1000/1000")
    expect(page.get_by_role("alert")).to_be_hidden()


def test_shift_enter_adds_a_newline_without_sending(chat_page: Page) -> None:
    page = chat_page
    box = page.get_by_label("输入你的问题")
    box.fill("宝宝一岁半")
    box.press("Shift+Enter")
    box.press_sequentially("能上托班不")
    expect(box).to_have_value("宝宝一岁半\n能上托班不")
    expect(page.locator(".msg--user")).to_have_count(0)


def test_sender_id_persists_and_new_chat_resets_it(chat_page: Page) -> None:
    page = chat_page
    first = page.evaluate("localStorage.getItem('tuoyu.sender_id')")
    assert UUID.match(first)
    page.reload()
    expect(page.locator("#app[data-ready='true']")).to_be_attached()
    assert page.evaluate("localStorage.getItem('tuoyu.sender_id')") == first

    page.get_by_role("button", name="新对话").click()
    second = page.evaluate("localStorage.getItem('tuoyu.sender_id')")
    assert UUID.match(second)
    assert second != first
    expect(page.locator(".msg")).to_have_count(1)
    expect(page.get_by_label("输入你的问题")).to_be_focused()


def test_page_frame_is_labelled(chat_page: Page) -> None:
    page = chat_page
    expect(page.get_by_role("heading", level=1)).to_contain_text("托育助手")
    expect(page.get_by_role("heading", level=1)).to_contain_text("攀枝花市仁和区")
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")
    expect(page.locator("footer")).to_contain_text("128号")


def test_page_has_a_csp_and_cannot_be_framed(browser: Browser, stack_url: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    response = page.goto(stack_url.rstrip("/") + "/")
    assert response is not None
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    # a page of another origin that frames the chat gets nothing rendered in the frame
    page.set_content(f'<iframe id="f" src="{stack_url.rstrip("/")}/"></iframe>')
    page.wait_for_timeout(1500)
    frame = page.frame_locator("#f")
    expect(frame.locator("#app")).to_have_count(0)
    context.close()


def test_every_message_of_a_reply_is_shown_with_the_emergency_advice_first(chat_page: Page) -> None:
    """A complaint that starts with a child in danger: the 110 advice, then the form's next question."""
    page = chat_page
    box = page.get_by_label("输入你的问题")
    box.fill("我要投诉 托育园的阿姨现在正在打我女儿 我在手机监控里看着")
    box.press("Enter")
    advice = page.locator(".msg--emergency").last
    expect(advice).to_contain_text("110", timeout=REPLY_MS)
    later = page.locator(".msg--bot").filter(has_text="哪家")
    expect(later.last).to_be_visible(timeout=REPLY_MS)
    assert page.locator(".msg--bot").count() >= 3  # welcome, the advice and the form's messages
    tel = advice.locator("a[href='tel:110']")
    expect(tel).to_have_count(1)
