/* Console shared code: API calls with the CSRF header, session check, top bar, labels, DOM helpers.
   Server data only ever reaches the page through textContent / text nodes. */

import { SLA, ROLES, URGENCY } from "./labels.js";

export * from "./labels.js";

/** An error from the API (or the network) with a message a person can act on. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.detail = detail || "";
  }
}

/** createElement with an optional class and plain-text content. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = String(text);
  return node;
}

/** Remove every child of a node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Value of one cookie (the CSRF token is readable on purpose). */
export function getCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return "";
}

/** Readable text of a FastAPI error body: `detail` string, or the first validation message. */
function detailOf(body) {
  if (!body) return "";
  const d = body.detail;
  if (typeof d === "string") return d;
  if (Array.isArray(d)) return d.map((x) => (x && x.msg) || "").filter(Boolean).join("；");
  if (d && typeof d === "object" && typeof d.message === "string") return d.message;
  return "";
}

/** Where the login page should send the user back to. */
export function loginUrl() {
  const here = location.pathname + location.search;
  return "/console/login?next=" + encodeURIComponent(here);
}

/**
 * Call the JSON API. Non-GET requests carry X-CSRF-Token; a 401 sends the user to the login page
 * (unless `auth: false`). Throws ApiError; returns the parsed JSON (or null for empty bodies).
 */
export async function api(method, path, body, { auth = true } = {}) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") {
    headers["X-CSRF-Token"] = getCookie("tuoyu_csrf");
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "");
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && auth) {
      location.assign(loginUrl());
      return new Promise(() => {}); // the page is going away; nothing after this should run
    }
    throw new ApiError(response.status, detailOf(data));
  }
  return data;
}

/** One Chinese sentence for an ApiError, server detail included when it has one. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return "页面出错了：" + String((err && err.message) || err);
  const d = err.detail ? "：" + err.detail : "";
  switch (err.status) {
    case 0: return "连不上服务器，请检查网络后重试。";
    case 400: return "请求有误" + d;
    case 401: return "登录已失效，请重新登录" + d;
    case 403: return "没有权限执行这个操作" + d;
    case 404: return "没有找到" + d;
    case 409: return "当前状态不允许这个操作" + d + "（页面已刷新为最新状态）";
    case 422: return "填写的内容有问题" + d;
    case 423: return "账号已锁定" + d;
    case 429: return "操作太频繁，请稍后再试" + d;
    default: return err.status >= 500 ? "服务器出错了，请稍后再试" + d : `请求失败（${err.status}）${d}`;
  }
}

/** Show an error (or clear it with null) in an alert box. */
export function showError(box, err) {
  if (!err) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  box.textContent = typeof err === "string" ? err : errorText(err);
  box.hidden = false;
}

let toastTimer = 0;
/** Short confirmation at the bottom of the screen (also read by screen readers). */
export function toast(message) {
  let node = document.getElementById("toast");
  if (!node) {
    node = el("div", "toast");
    node.id = "toast";
    node.setAttribute("role", "status");
    document.body.appendChild(node);
  }
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 3500);
}

const DATE_FMT = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hour12: false,
});

/** "2025-03-04 09:30" in Beijing time; "—" for nothing, the raw string if unparseable. */
export function fmtTime(value) {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = Object.fromEntries(DATE_FMT.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour === "24" ? "00" : p.hour}:${p.minute}`;
}

/** Small pill with plain text and a modifier class. */
export function badge(text, modifier) {
  const b = el("span", "badge" + (modifier ? " badge--" + modifier : ""), text);
  return b;
}

export function urgencyBadge(urgency) {
  return badge(URGENCY[urgency] || urgency || "未评估", URGENCY[urgency] ? urgency : "normal");
}

export function stateBadge(state) {
  const b = badge(state || "—", "state");
  if (state) b.classList.add("badge--state-" + state);
  return b;
}

/** Coloured SLA dot with the due time next to it and the meaning in words for screen readers. */
export function slaMark(sla, dueAt, provisional = false) {
  const key = SLA[sla] ? sla : "none";
  const wrap = el("span", "sla sla--" + key);
  wrap.title = provisional ? SLA[key] + "（暂估：该年度节假日安排尚未录入，只按周末计算）" : SLA[key];
  wrap.appendChild(el("span", "sla__dot"));
  wrap.appendChild(el("span", "visually-hidden", SLA[key] + "，"));
  wrap.appendChild(document.createTextNode(dueAt ? fmtTime(dueAt) : SLA[key]));
  if (provisional && dueAt) wrap.appendChild(el("span", "sla__provisional", "（暂估）"));
  return wrap;
}

/** Current user, or a redirect to the login page. */
export async function requireUser() {
  const me = await api("GET", "/api/auth/me");
  return me && me.user ? me.user : me;
}

/** Top bar with the navigation (admin link only for admins), the user and a sign-out button. */
export function renderTopbar(user, active) {
  const bar = document.getElementById("topbar");
  clear(bar);
  const brand = el("a", "topbar__brand");
  brand.href = "/console";
  const logo = el("img");
  logo.src = "/static/favicon.svg";
  logo.alt = "";
  logo.width = 26;
  logo.height = 26;
  brand.append(logo, document.createTextNode("托育助手"), el("small", null, "热线工作台"));
  const nav = el("nav", "nav");
  nav.setAttribute("aria-label", "主导航");
  const links = [["queue", "/console", "工单"], ["stats", "/console/stats", "统计"]];
  if (user.role === "admin") links.push(["admin", "/console/admin", "账号管理"]);
  for (const [key, href, label] of links) {
    const a = el("a", null, label);
    a.href = href;
    if (key === active) a.setAttribute("aria-current", "page");
    nav.appendChild(a);
  }
  const who = el("div", "whoami");
  const name = el("span", "whoami__name", user.display_name || user.username);
  name.id = "whoami";
  const role = ROLES[user.role] || user.role;
  who.append(name, el("span", null, user.department ? `${role} · ${user.department}` : role));
  const out = el("button", "btn btn--small", "退出");
  out.type = "button";
  out.id = "logout";
  out.addEventListener("click", async () => {
    try {
      await api("POST", "/api/auth/logout", undefined, { auth: false });
    } catch {
      /* already signed out */
    }
    location.assign("/console/login");
  });
  who.appendChild(out);
  bar.append(brand, nav, who);
}

/** True when a key press happens while typing, where single-letter shortcuts must not fire. */
export function isTyping(event) {
  const t = event.target;
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName);
}

/** Register single-key shortcuts (ignored while typing or with modifier keys). */
export function shortcuts(map) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
    const t = event.target;
    if (event.key === "Enter" && t instanceof HTMLElement && t.closest("a, button, summary, label")) return;
    if (document.querySelector("dialog[open]") && event.key !== "Escape") return;
    const fn = map[event.key];
    if (fn) {
      event.preventDefault();
      fn(event);
    }
  });
}

/** Labelled <select> options: [["", "全部"], ["urgent", "紧急"], …]. */
export function fillSelect(select, options, value) {
  clear(select);
  for (const [v, label] of options) {
    const o = el("option", null, label);
    o.value = v;
    select.appendChild(o);
  }
  if (value != null) select.value = value;
}

/** Department names from the API (cached for the page). */
let deptCache = null;
export async function departments() {
  if (!deptCache) {
    const data = await api("GET", "/api/staff/departments");
    deptCache = (Array.isArray(data) ? data : (data && data.items) || [])
      .map((d) => (typeof d === "string" ? d : d && d.name))
      .filter(Boolean);
  }
  return deptCache;
}

/** Department cards: name, 主办/协办, reason, and the policy basis in an expandable quote. */
export function buildDepartments(list) {
  const ul = el("ul", "dept-list");
  for (const d of list || []) {
    if (!d || !d.name) continue;
    const li = el("li", "dept");
    const head = el("div", "dept__head");
    head.append(el("span", null, d.name), badge(d.role === "lead" ? "主办" : "协办", "role-" + (d.role === "lead" ? "lead" : "assist")));
    li.appendChild(head);
    if (d.reason) li.appendChild(el("p", "dept__reason", d.reason));
    if (d.basis) {
      const details = el("details", "basis");
      details.append(el("summary", null, "依据原文"), el("blockquote", "basis__quote", d.basis));
      li.appendChild(details);
    }
    ul.appendChild(li);
  }
  return ul;
}

/** Urgency signals as red pills; a note when there are none. */
export function buildSignals(signals) {
  const box = el("div", "signals");
  const list = (signals || []).filter((s) => typeof s === "string" && s);
  if (!list.length) box.appendChild(el("span", "hint", "未发现紧急信号"));
  for (const s of list) box.appendChild(el("span", "signal", s));
  return box;
}

/** A two-column <dl> of label → value pairs, skipping empty values. */
export function buildFacts(pairs) {
  const dl = el("dl", "facts");
  for (const [label, value] of pairs) {
    if (value == null || value === "" || (Array.isArray(value) && !value.length)) continue;
    dl.append(el("dt", null, label));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join("、") : String(value);
    dl.append(dd);
  }
  return dl;
}

/** Mark the page ready for tests and assistive tech once its first render is done. */
export function ready() {
  document.body.dataset.ready = "true";
}
