"""The hotline's whole loop in headless Chromium against the real app (no Rasa needed).

重办 after a dissatisfied 回访 until the family is satisfied; 改派 to another department; 催办 from the
queue's keyboard shortcut, seen by the department; red and yellow time limits in the queue (cases
whose deadlines are past and near, computed by api/staff/sla.py); the statistics page's rates and chart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.browser import launch_browser
from tests.e2e.stack import APP_BIN, ROOT, SERVICE_TOKEN, Stack, free_port

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ADMIN_PASSWORD = "loop-admin-pass-0123456789"
PASSWORD = "loop-staff-pass-0123"
MARKET, EDU = "区市场监管局", "区教育和体育局"
USERS = {
    "rexian_loop": ("hotline", None),
    "scjg_loop": ("department", MARKET),
    "jiaoti_loop": ("department", EDU),
}
UI_MS = 15_000
TRIAGE = {
    "category": "收费/退费",
    "urgency": "normal",
    "departments": [{"name": MARKET, "role": "lead"}],
}


@pytest.fixture(scope="module")
def app() -> Iterator[dict[str, str]]:
    """The app on a free port with a fresh SQLite file the test can also write to."""
    workdir = Path(tempfile.mkdtemp(prefix="tuoyu-loop-"))
    port = free_port()
    db_url = f"sqlite:///{workdir / 'tuoyu.db'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_PORT": str(port),
        "DATABASE_URL": db_url,
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
        deadline = time.monotonic() + 120
        while True:
            assert stack.procs["app"].poll() is None, stack.log("app")[-3000:]
            try:
                if httpx.get(f"{stack.url}/console/login", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, stack.log("app")[-3000:]
            time.sleep(0.5)
        admin = _staff(stack.url, "admin", ADMIN_PASSWORD)
        for name, (role, dept) in USERS.items():
            body = {"username": name, "password": PASSWORD, "role": role, "department": dept}
            r = admin.post("/api/admin/users", json={k: v for k, v in body.items() if v})
            assert r.status_code == 201, r.text
        admin.close()
        yield {"url": stack.url, "internal": stack.internal_url, "db": db_url}
    finally:
        stack.stop("app")
        shutil.rmtree(workdir, ignore_errors=True)


def _staff(url: str, username: str, password: str = PASSWORD) -> httpx.Client:
    """An API client with the cookie session and CSRF header."""
    client = httpx.Client(base_url=url, timeout=30)
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies["tuoyu_csrf"]
    return client


def _file(app: dict[str, str], text: str, phone: str = "13911112222") -> str:
    """A web complaint filed as the action server files it (the app triages it: these texts lead to 区市场监管局)."""
    r = httpx.post(
        f"{app['internal']}/api/complaints",
        json={"text": text, "phone": phone, "channel": "web"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["ticket"])


def _act(client: httpx.Client, ticket: str, action: str, **fields: Any) -> dict[str, Any]:
    r = client.post(f"/api/staff/cases/{ticket}/actions", json={"action": action, **fields})
    assert r.status_code == 200, (action, r.text)
    return dict(r.json())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()


class Person:
    """One staff member's browser context; fails the test on any page error."""

    def __init__(self, browser: Browser, url: str, username: str) -> None:
        self.url = url
        self.context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page = self.page
        page.goto(f"{url}/console/login?next=/console")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD if username != "admin" else ADMIN_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{url}/console")
        ready(page)

    def case(self, ticket: str) -> Page:
        self.page.goto(f"{self.url}/console/cases/{ticket}")
        ready(self.page)
        return self.page

    def queue(self, query: str = "") -> Page:
        self.page.goto(f"{self.url}/console{query}")
        ready(self.page)
        return self.page

    def close(self) -> None:
        self.context.close()
        assert self.errors == []


def shot(page: Page, name: str) -> None:
    """Keep a screenshot when CONSOLE_SHOTS_DIR is set."""
    folder = os.environ.get("CONSOLE_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"loop-{name}.png"), full_page=True)


def ready(page: Page) -> None:
    expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=UI_MS)


def settled(page: Page, in_url: str) -> None:
    """The queue has drawn the list a filter asked for (a key pressed earlier lands on the old rows)."""
    expect(page).to_have_url(re.compile(re.escape(in_url)), timeout=UI_MS)
    expect(page.locator("body[aria-busy]")).to_have_count(0, timeout=UI_MS)


def open_action(page: Page, label: str) -> Any:
    page.locator("#c-actions").get_by_role("button", name=label, exact=True).click()
    form = page.locator("#c-action-form form")
    expect(form).to_be_visible()
    return form


def confirm(page: Page, form: Any, label: str) -> None:
    form.get_by_role("button", name="确认" + label).click()
    expect(page.locator("#c-action-form form")).to_have_count(0, timeout=UI_MS)


def test_dissatisfied_follow_up_reopen_resolve_again_satisfied(
    browser: Browser, app: dict[str, str]
) -> None:
    url = app["url"]
    ticket = _file(app, "乐乐托育园退费拖了两个月 说好的钱一直没到账")
    hot_api, dept_api = _staff(url, "rexian_loop"), _staff(url, "scjg_loop")
    _act(hot_api, ticket, "assign", departments=[MARKET])
    for step in ("accept", "start"):
        _act(dept_api, ticket, step)
    _act(dept_api, ticket, "resolve", result="园方承诺一周内退款")

    hot = Person(browser, url, "rexian_loop")
    page = hot.case(ticket)
    expect(page.locator("#c-info")).to_contain_text("园方承诺一周内退款")
    form = open_action(page, "回访")
    form.get_by_text("2 不满意").click()
    form.locator("textarea").fill("家长说一分钱都没收到")
    confirm(page, form, "回访")
    expect(page.locator("#c-badges")).to_contain_text("已回访")
    form = open_action(page, "重办")
    expect(form.locator("input[name=satisfaction]")).to_have_count(0)  # the 回访 score is used
    form.locator("textarea").fill("家长说退款至今未到账，要求园方当面说明")
    confirm(page, form, "重办")
    expect(page.locator("#c-badges")).to_contain_text("重办")
    expect(page.locator("#c-reason")).to_contain_text("重办理由：家长说退款至今未到账")
    expect(page.locator("#c-timeline")).to_contain_text("家属不满意（2/5）")
    shot(page, "reopened")

    dep = Person(browser, url, "scjg_loop")
    dpage = dep.queue("?reason=重办")
    row = dpage.locator(f"#rows tr[data-ticket='{ticket}']")
    expect(row.locator("[data-reason='重办']")).to_be_visible()
    expect(dpage.locator("#f-reason")).to_have_value("重办")
    shot(dpage, "queue-reopened")
    row.get_by_role("link", name=ticket).click()
    ready(dpage)
    expect(dpage.locator("#c-reason")).to_contain_text("要求园方当面说明")
    form = open_action(dpage, "开始办理")
    confirm(dpage, form, "开始办理")
    form = open_action(dpage, "办结")
    form.get_by_label("办理结果（必填，家属查询时可见）").fill(
        "退款 3200 元已于今日到账，园方已当面致歉"
    )
    confirm(dpage, form, "办结")
    expect(dpage.locator("#c-badges")).to_contain_text("已办结")
    expect(dpage.locator("#c-reason")).to_be_hidden()
    dep.close()

    page.reload()
    ready(page)
    form = open_action(page, "回访")
    form.get_by_text("5 非常满意").click()
    confirm(page, form, "回访")
    expect(page.locator("#c-badges")).to_contain_text("已回访")
    expect(page.locator("#c-info")).to_contain_text("5 / 5")
    expect(page.locator("#c-info")).to_contain_text("退款 3200 元已于今日到账")
    expect(page.locator("#c-actions")).not_to_contain_text("重办")
    hot.close()


def test_reassign_to_another_department(browser: Browser, app: dict[str, str]) -> None:
    url = app["url"]
    ticket = _file(app, "小书包托管班老师没有资格证 想请有关部门查一查")
    _act(_staff(url, "rexian_loop"), ticket, "assign", departments=[MARKET])
    hot = Person(browser, url, "rexian_loop")
    page = hot.case(ticket)
    form = open_action(page, "改派")
    form.locator(".dept-picker label", has_text=EDU).locator("input").check()
    expect(form.get_by_label("主办部门")).to_have_value(EDU)
    form.locator("textarea").fill("教师资质属教体局职责")
    confirm(page, form, "改派")
    expect(page.locator("#c-info")).to_contain_text(EDU)
    expect(page.locator("#c-timeline")).to_contain_text("改派至：" + EDU)
    hot.close()

    old = Person(browser, url, "scjg_loop")
    expect(old.page.locator(f"#rows tr[data-ticket='{ticket}']")).to_have_count(0)
    old.close()
    new = Person(browser, url, "jiaoti_loop")
    expect(new.page.locator(f"#rows tr[data-ticket='{ticket}']")).to_contain_text("已派单")
    page = new.case(ticket)
    form = open_action(page, "签收")
    confirm(page, form, "签收")
    expect(page.locator("#c-badges")).to_contain_text("已签收")
    new.close()


def test_urge_from_the_queue_shortcut_is_seen_by_the_department(
    browser: Browser, app: dict[str, str]
) -> None:
    url = app["url"]
    ticket = _file(app, "阳光宝贝托育点收费单子不给看 多次索要都不给")
    _act(_staff(url, "rexian_loop"), ticket, "assign", departments=[MARKET])
    hot = Person(browser, url, "rexian_loop")
    page = hot.page
    page.keyboard.press("/")
    page.keyboard.type(ticket)
    page.keyboard.press("Enter")
    row = page.locator(f"#rows tr[data-ticket='{ticket}']")
    expect(page.locator("#rows tr[data-ticket]")).to_have_count(1, timeout=UI_MS)
    page.locator("#f-q").evaluate("el => el.blur()")
    page.keyboard.press("j")
    expect(row).to_have_class(re.compile("is-current"))
    page.keyboard.press("u")
    expect(page.locator("#queue-status")).to_contain_text(f"已催办：{ticket}", timeout=UI_MS)
    expect(row.locator("[data-urge='1']")).to_be_visible()
    page.keyboard.press("u")
    expect(row.locator("[data-urge='2']")).to_be_visible(timeout=UI_MS)
    hot.close()

    dep = Person(browser, url, "scjg_loop")
    dpage = dep.page
    dpage.keyboard.press("c")  # 只看催办
    expect(dpage.locator("#f-urged")).to_be_checked()
    settled(dpage, "urged=")
    drow = dpage.locator(f"#rows tr[data-ticket='{ticket}']")
    expect(drow.locator(".badge--urge")).to_have_text("催办 ×2", timeout=UI_MS)
    shot(dpage, "queue-urged")
    dpage.keyboard.press("j")
    expect(drow).to_have_class(re.compile("is-current"))
    dpage.keyboard.press("a")  # 签收 from the queue
    expect(dpage.locator("#queue-status")).to_contain_text("已签收", timeout=UI_MS)
    expect(drow).to_contain_text("已签收")
    page = dep.case(ticket)
    expect(page.locator("#c-badges")).to_contain_text("催办 ×2")
    expect(page.locator("#c-timeline")).to_contain_text("第 2 次催办")
    dep.close()


def _filed_back(db_url: str, text: str, created_at: datetime, urgency: str) -> str:
    """A case stored as if filed at `created_at` (straight into the app's database)."""
    from api.complaints.schemas import ComplaintCreate
    from api.complaints.service import file_complaint
    from api.db import get_sessionmaker

    triage = {**TRIAGE, "urgency": urgency}
    payload = ComplaintCreate(text=text, channel="phone")
    with get_sessionmaker(db_url)() as session:
        filed = file_complaint(session=session, payload=payload, now=created_at, triage=triage)
        return filed.complaint.ticket


def _yellow_start(now: datetime, urgency: str) -> datetime:
    """A filing time whose 签收 deadline is near (yellow) at `now`: the middle of the yellow window."""
    from api.config import get_settings
    from api.staff import sla

    ratio = get_settings().sla_yellow_ratio
    yellow = []
    for minutes in range(5, 60 * 24 * 14, 5):
        start = now - timedelta(minutes=minutes)
        colour = sla.colour(
            sla.deadline(state="待派单", urgency=urgency, created_at=start),
            now=now,
            yellow_ratio=ratio,
        )
        if colour == "yellow":
            yellow.append(start)
        elif colour == "red":
            break
    assert yellow, "no yellow window found for " + urgency
    return yellow[len(yellow) // 2]


def test_red_and_yellow_cases_in_the_queue(browser: Browser, app: dict[str, str]) -> None:
    from api.db import utcnow

    now = utcnow()
    red = _filed_back(
        app["db"], "上个月就反映过托育园消防通道堵了 一直没人来", now - timedelta(days=40), "normal"
    )
    near = _filed_back(
        app["db"], "托育园午睡室窗户没有护栏 担心孩子爬", _yellow_start(now, "urgent"), "urgent"
    )
    fresh = _filed_back(app["db"], "托育园收费公示栏是空的", now, "normal")
    hot = Person(browser, app["url"], "rexian_loop")
    page = hot.page
    expect(page.locator(f"#rows tr[data-ticket='{red}'] .sla--red")).to_be_visible()
    expect(page.locator(f"#rows tr[data-ticket='{near}'] .sla--yellow")).to_be_visible()
    expect(page.locator(f"#rows tr[data-ticket='{fresh}'] .sla--green")).to_be_visible()
    dot = "el => getComputedStyle(el).backgroundColor"
    shades = {
        t: page.locator(f"#rows tr[data-ticket='{t}'] .sla__dot").evaluate(dot)
        for t in (red, near, fresh)
    }
    assert len(set(shades.values())) == 3, shades  # three different colours on screen
    shot(page, "queue-colours")
    page.keyboard.press("o")  # 只看超期
    expect(page.locator("#f-overdue")).to_be_checked()
    expect(page.locator(f"#rows tr[data-ticket='{red}']")).to_have_count(1, timeout=UI_MS)
    expect(page.locator(f"#rows tr[data-ticket='{near}']")).to_have_count(0)
    expect(page.locator("#rows .sla--yellow, #rows .sla--green")).to_have_count(0)
    page = hot.case(near)
    expect(page.locator("#c-badges .sla--yellow")).to_be_visible()
    hot.close()


def test_stats_page_shows_rates_chart_and_csv(browser: Browser, app: dict[str, str]) -> None:
    url = app["url"]
    hot_api, dept_api = _staff(url, "rexian_loop"), _staff(url, "scjg_loop")
    ticket = _file(app, "托育园收了报名费不开票")
    _act(hot_api, ticket, "assign", departments=[MARKET])
    for step in ("accept", "start"):
        _act(dept_api, ticket, step)
    _act(dept_api, ticket, "resolve", result="已开具发票")
    _act(hot_api, ticket, "follow_up", satisfaction=4)
    admin = Person(browser, url, "admin")
    page = admin.page
    page.goto(f"{url}/console/stats")
    ready(page)
    for name in ("满意率", "按时办结率", "重办率", "当前超期"):
        expect(page.locator(f"#kpis [data-kpi='{name}'] .kpi__value")).not_to_have_text("—")
    expect(page.locator("#trend-svg rect.bar--month")).not_to_have_count(0)
    expect(page.locator("#trend-svg polyline")).not_to_have_count(0)
    expect(page.locator(f"#dept-table tr[data-name='{MARKET}']")).to_contain_text("%")
    shot(page, "stats")
    href = page.locator("#s-stats-export").get_attribute("href")
    assert href and href.startswith("/api/staff/stats.csv")
    csv_text = page.evaluate("async (h) => (await fetch(h)).text()", href)
    assert "按时办结率" in csv_text and MARKET in csv_text
    admin.close()
