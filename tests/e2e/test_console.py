"""The hotline staff console pages driven in headless Chromium against the real app (no Rasa needed).

Flow: a web complaint comes in → hotline assigns it (accepting the triage suggestion) → the lead
department signs for it, starts and resolves it → hotline follows up with satisfaction → 已回访.
Set CONSOLE_SHOTS_DIR to keep screenshots of each page at 1280x800 and 1024x768.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.browser import launch_browser
from tests.e2e.stack import APP_BIN, ROOT, SERVICE_TOKEN, Stack, free_port

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ADMIN_PASSWORD = "e2e-admin-pass-0123456789"
HOTLINE = ("rexian_e2e", "hotline-pass-0123")
OFFICER_PASSWORD = "officer-pass-0123"
DESK = {"width": 1280, "height": 800}
TABLET = {"width": 1024, "height": 768}
UI_MS = 15_000
# a parent's web complaint about a refused refund, typed the way people type on WeChat
COMPLAINT = (
    "七彩虹托育园收了我们半年的托费4800，娃才去了两个礼拜就说不退钱了😤 园长电话也不接 咋办啊"
)
COMPLAINT_PHONE = "13987654321"
CALL_NOTES = "来电说金沙社区有家托管班老师把小孩关厕所里罚站，今天下午的事，家长很着急"


@pytest.fixture(scope="module")
def app_stack() -> Iterator[Stack]:
    """Just the app (public + internal listener) on free ports with a fresh, migrated SQLite database."""
    workdir = Path(tempfile.mkdtemp(prefix="tuoyu-console-"))
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{workdir / 'tuoyu.db'}",
        "SERVICE_TOKEN": SERVICE_TOKEN,
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "ACTION_URL": f"http://127.0.0.1:{free_port()}",
        "REDIS_URL": "",
    }
    migrate = subprocess.run(
        [str(APP_BIN / "python"), "-m", "api.cli", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    stack = Stack(workdir, port, 0, 0, env, internal_port=free_port())
    stack.start("app")
    try:
        url = stack.url
        deadline = time.monotonic() + 120
        while True:
            proc = stack.procs["app"]
            assert proc.poll() is None, stack.log("app")[-3000:]
            try:
                if httpx.get(f"{url}/console/login", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "app did not start:\n" + stack.log("app")[-3000:]
            time.sleep(0.5)
        yield stack
    finally:
        stack.stop("app")
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def app_url(app_stack: Stack) -> str:
    """The app's public URL."""
    return app_stack.url


def _staff_client(url: str, username: str, password: str) -> httpx.Client:
    """An API client logged in with the cookie session, sending the CSRF header."""
    client = httpx.Client(base_url=url, timeout=30)
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies["tuoyu_csrf"]
    return client


@pytest.fixture(scope="module")
def world(app_stack: Stack, app_url: str) -> dict[str, str]:
    """A filed web complaint plus a hotline account and an officer of its lead department."""
    filed = httpx.post(
        f"{app_stack.internal_url}/api/complaints",  # as the action server files it
        json={"text": COMPLAINT, "phone": COMPLAINT_PHONE, "channel": "web"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=30,
    )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()["ticket"]
    admin = _staff_client(app_url, "admin", ADMIN_PASSWORD)
    try:
        detail = admin.get(f"/api/staff/cases/{ticket}").json()
        lead = next(d["name"] for d in detail["triage"]["departments"] if d["role"] == "lead")
        for body in (
            {
                "username": HOTLINE[0],
                "password": HOTLINE[1],
                "role": "hotline",
                "display_name": "热线 小周",
            },
            {
                "username": "officer_e2e",
                "password": OFFICER_PASSWORD,
                "role": "department",
                "department": lead,
                "display_name": "经办 老杨",
            },
        ):
            r = admin.post("/api/admin/users", json=body)
            assert r.status_code == 201, r.text
    finally:
        admin.close()
    return {"ticket": ticket, "lead": lead}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module."""
    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()


class Session:
    """One staff member's browser context; collects page errors so a test fails on any JS error."""

    def __init__(self, browser: Browser, url: str, viewport: dict[str, int] = DESK) -> None:
        self.url = url
        self.context: BrowserContext = browser.new_context(viewport=viewport, locale="zh-CN")
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page

    def login(self, username: str, password: str) -> Page:
        page = self.page
        page.goto(f"{self.url}/console")
        page.wait_for_url(re.compile(r"/console/login\?next="))
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{self.url}/console")
        expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=UI_MS)
        return page

    def close(self) -> None:
        self.context.close()
        assert self.errors == []


def shot(page: Page, name: str) -> None:
    """Keep a screenshot when CONSOLE_SHOTS_DIR is set."""
    folder = os.environ.get("CONSOLE_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        size = page.viewport_size or DESK
        page.screenshot(path=str(Path(folder) / f"{name}-{size['width']}.png"), full_page=True)


def ready(page: Page) -> None:
    expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=UI_MS)


def do_action(
    page: Page, label: str, *, note: str | None = None, result: str | None = None
) -> None:
    """Click an action button, fill its note / 办理结果 if asked, confirm, wait for the form to go away."""
    page.locator("#c-actions").get_by_role("button", name=label, exact=True).click()
    form = page.locator("#c-action-form form")
    expect(form).to_be_visible()
    if result is not None:
        form.locator("textarea[name=result]").fill(result)
    if note is not None:
        form.locator("textarea[name=note]").fill(note)
    form.get_by_role("button", name="确认" + label).click()
    expect(page.locator("#c-action-form form")).to_have_count(0, timeout=UI_MS)


def test_login_errors_are_shown(browser: Browser, app_url: str, world: dict[str, str]) -> None:
    s = Session(browser, app_url)
    page = s.page
    page.goto(f"{app_url}/console/login")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#login-error")).to_have_text("请填写用户名和密码。")
    page.get_by_label("用户名").fill(HOTLINE[0])
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#login-error")).to_contain_text("用户名或密码不正确")
    expect(page).to_have_url(re.compile(r"/console/login"))

    # after five failures the account is locked for a while; the page says so
    error = page.locator("#login-error")
    page.get_by_label("用户名").fill("ghost_e2e")
    for _ in range(6):
        page.get_by_label("密码").fill("guess-again")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("button", name="登录")).to_be_enabled()
        if "锁定" in (error.text_content() or ""):
            break
    expect(error).to_contain_text("账号暂时锁定")
    expect(error).to_contain_text("分钟后再试")
    s.close()


def test_full_case_flow_hotline_department_follow_up(
    browser: Browser, app_url: str, world: dict[str, str]
) -> None:
    ticket, lead = world["ticket"], world["lead"]
    hot = Session(browser, app_url)
    page = hot.login(*HOTLINE)
    shot(page, "queue")

    # queue: "/" focuses the search, j moves to the first row, Enter opens it
    page.keyboard.press("/")
    expect(page.locator("#f-q")).to_be_focused()
    page.keyboard.type(ticket)
    page.keyboard.press("Enter")
    expect(page.locator("#rows tr[data-ticket]")).to_have_count(1, timeout=UI_MS)
    row = page.locator(f"#rows tr[data-ticket='{ticket}']")
    expect(row).to_contain_text("待派单")
    expect(row).to_contain_text(lead)
    expect(page.locator("#export")).to_have_attribute("href", re.compile(r"export\.csv\?q="))
    page.locator("#f-q").evaluate("el => el.blur()")
    page.keyboard.press("j")
    expect(row).to_have_class(re.compile("is-current"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console/cases/"))
    ready(page)

    # case detail: original text as written, triage reasons with an expandable basis
    expect(page.locator("#c-ticket")).to_have_text(ticket)
    assert page.locator("#c-text").text_content() == COMPLAINT
    dept = page.locator("#c-depts .dept").first
    expect(dept).to_contain_text(lead)
    expect(dept).to_contain_text("主办")
    dept.locator("summary").click()
    expect(dept.locator(".basis__quote")).to_be_visible()
    expect(page.locator("#c-phone")).to_have_text(re.compile(r"^139\*+4321$"))
    shot(page, "case")

    # contact: revealed on request, and the reveal is in the timeline
    page.get_by_role("button", name="查看联系方式").click()
    expect(page.locator("#c-phone")).to_have_text(COMPLAINT_PHONE)
    expect(page.locator("#c-timeline")).to_contain_text("查看联系方式")

    # assign: the picker comes prefilled with the suggestion, lead first; accept it
    page.locator("#c-actions").get_by_role("button", name="派单", exact=True).click()
    form = page.locator("#c-action-form form")
    checked = form.locator(".dept-picker input:checked")
    expect(checked.first).to_have_value(lead)
    expect(form.get_by_label("主办部门")).to_have_value(lead)
    shot(page, "assign")
    form.get_by_role("button", name="确认派单").click()
    expect(page.locator("#c-badges")).to_contain_text("已派单", timeout=UI_MS)
    expect(page.locator("#c-timeline")).to_contain_text("派单")
    expect(page.locator("#c-info")).to_contain_text(lead)

    # the department officer, in a separate context: sign for it, start, resolve
    dep = Session(browser, app_url, viewport=TABLET)
    dpage = dep.login("officer_e2e", OFFICER_PASSWORD)
    drow = dpage.locator(f"#rows tr[data-ticket='{ticket}']")
    expect(drow).to_contain_text("已派单")
    drow.get_by_role("link", name=ticket).click()
    ready(dpage)
    expect(dpage.get_by_role("button", name="查看联系方式")).to_have_count(0)
    expect(dpage.locator("#c-phone")).to_contain_text("*")
    do_action(dpage, "签收")
    expect(dpage.locator("#c-badges")).to_contain_text("已签收")
    do_action(dpage, "开始办理")
    expect(dpage.locator("#c-badges")).to_contain_text("办理中")
    resolve_note = "已约谈园方，按未上课天数退费3600元，家长已收到"
    do_action(dpage, "办结", result=resolve_note)
    expect(dpage.locator("#c-badges")).to_contain_text("已办结")
    expect(dpage.locator("#c-timeline")).to_contain_text(resolve_note)
    shot(dpage, "case-department")
    dep.close()

    # back at the hotline: a stale second tab will hit a 409 after the follow-up is done
    stale = hot.new_page()
    page.reload()
    ready(page)
    stale.goto(page.url)
    ready(stale)
    page.locator("#c-actions").get_by_role("button", name="回访", exact=True).click()
    form = page.locator("#c-action-form form")
    form.get_by_text("5 非常满意").click()
    form.locator("textarea").fill("家长说钱退了，挺满意")
    form.get_by_role("button", name="确认回访").click()
    expect(page.locator("#c-badges")).to_contain_text("已回访", timeout=UI_MS)
    expect(page.locator("#c-info")).to_contain_text("5 / 5")
    timeline = page.locator("#c-timeline")
    for step in ("登记", "派单", "签收", "开始办理", "办结", "回访"):
        expect(timeline).to_contain_text(step)
    expect(page.locator("#c-actions")).not_to_contain_text("回访")
    shot(page, "case-closed")

    stale.locator("#c-actions").get_by_role("button", name="回访", exact=True).click()
    sform = stale.locator("#c-action-form form")
    sform.get_by_text("3 一般").click()
    sform.get_by_role("button", name="确认回访").click()
    expect(stale.locator("#action-error")).to_contain_text("当前状态不允许", timeout=UI_MS)
    expect(stale.locator("#c-badges")).to_contain_text("已回访", timeout=UI_MS)
    hot.close()


def test_new_case_from_phone_notes(browser: Browser, app_url: str, world: dict[str, str]) -> None:
    s = Session(browser, app_url, viewport=TABLET)
    page = s.login(*HOTLINE)
    page.keyboard.press("n")
    dialog = page.locator("#new-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#n-text")).to_be_focused()
    page.locator("#n-text").fill(CALL_NOTES)
    page.get_by_label("回访电话").fill("138 0812 3456")
    page.get_by_role("button", name="分析").click()
    suggest = page.locator("#n-suggest")
    expect(suggest).to_be_visible(timeout=UI_MS)
    expect(suggest.locator(".dept").first).to_contain_text("主办")
    expect(suggest.locator(".dept__reason").first).not_to_be_empty()
    shot(page, "new-case")
    page.get_by_role("button", name="提交工单").click()
    page.wait_for_url(re.compile(r"/console/cases/"))
    ready(page)
    expect(page.locator("#pin-notice")).to_contain_text(re.compile(r"查询码 \d{6}"))
    assert page.locator("#c-text").text_content() == CALL_NOTES
    expect(page.locator("#c-info")).to_contain_text("电话")
    page.reload()
    ready(page)
    expect(page.locator("#pin-notice")).to_be_hidden()
    s.close()


def test_stats_and_admin_pages(browser: Browser, app_url: str, world: dict[str, str]) -> None:
    s = Session(browser, app_url)
    page = s.login("admin", ADMIN_PASSWORD)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计").click()
    ready(page)
    # four count charts; the overdue-by-department chart is empty (nothing overdue here)
    expect(page.locator("#charts svg[role='img']")).to_have_count(4)
    expect(page.locator("#charts")).to_contain_text("当前超期（按主办部门）")
    expect(page.locator("#trend-svg")).to_be_visible()
    expect(page.locator("#charts")).to_contain_text(world["lead"])
    expect(page.locator("#s-export")).to_have_attribute(
        "href", re.compile(r"^/api/staff/export\.csv")
    )
    shot(page, "stats")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="账号管理").click()
    ready(page)
    expect(page.locator("#user-rows tr[data-username='officer_e2e']")).to_contain_text(
        world["lead"]
    )
    page.get_by_label("用户名").fill("rexian_new")
    page.get_by_label("角色").select_option("hotline")
    expect(page.get_by_label("所属部门")).to_be_hidden()
    page.get_by_label("初始密码（至少 10 位）").fill("short")
    page.get_by_role("button", name="创建账号").click()
    expect(page.locator("#create-error")).to_contain_text("至少 10 位")
    page.get_by_label("初始密码（至少 10 位）").fill("new-hotline-pass-1")
    page.get_by_role("button", name="创建账号").click()
    new_row = page.locator("#user-rows tr[data-username='rexian_new']")
    expect(new_row).to_contain_text("热线坐席", timeout=UI_MS)
    page.once("dialog", lambda d: d.accept())
    new_row.get_by_role("button", name="停用 rexian_new").click()
    expect(new_row).to_contain_text("已停用", timeout=UI_MS)
    shot(page, "admin")
    s.close()
