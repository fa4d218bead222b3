/* Queue page: filters kept in the URL, the case table with keyboard actions, paging, CSV link, new-case dialog. */
import {
  KINDS, REASONS, STATES, URGENCY, api, badge, clear, departments, el, errorText, fillSelect, fmtTime,
  ready, renderTopbar, requireUser, shortcuts, showError, slaMark, stateBadge, toast, urgencyBadge,
} from "./common.js";
import { setupNewCase } from "./newcase.js";

const FILTERS = ["q", "state", "department", "urgency", "kind", "reason", "overdue", "urged"];
const TOGGLES = ["overdue", "urged"];
const PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);
const view = { page: 1, total: 0, items: [], current: -1 };

/** Filters as they are in the form (empty ones dropped). */
function formFilters() {
  const f = {};
  for (const name of FILTERS) {
    const input = $("f-" + name);
    const value = input.type === "checkbox" ? (input.checked ? "true" : "") : input.value.trim();
    if (value) f[name] = value;
  }
  return f;
}

/** Put URL filters into the form. */
function applyToForm(params) {
  for (const name of FILTERS) {
    const input = $("f-" + name);
    const value = params.get(name) || "";
    if (input.type === "checkbox") input.checked = value === "true";
    else input.value = value;
  }
}

function query(filters, extra = {}) {
  const p = new URLSearchParams({ ...filters, ...extra });
  return p.toString();
}

/** The CSV link always exports what the table currently shows (all pages). */
function updateExport(filters) {
  const q = query(filters);
  $("export").href = "/api/staff/export.csv" + (q ? "?" + q : "");
}

function cell(row, content, className) {
  const td = el("td", className);
  if (content instanceof Node) td.appendChild(content);
  else td.textContent = content == null || content === "" ? "—" : String(content);
  row.appendChild(td);
  return td;
}

/** One table row; the ticket link is the row's keyboard target. */
function buildRow(item, index) {
  const tr = el("tr");
  tr.dataset.ticket = item.ticket;
  const first = el("td");
  const a = el("a", "ticket", item.ticket);
  a.href = "/console/cases/" + encodeURIComponent(item.ticket);
  a.addEventListener("focus", () => setCurrent(index, false));
  first.appendChild(a);
  if (item.kind && item.kind !== "complaint") first.appendChild(document.createTextNode(" "));
  if (item.kind && item.kind !== "complaint") first.appendChild(el("span", "badge badge--kind", KINDS[item.kind] || item.kind));
  if (item.excerpt) {
    const ex = el("span", "excerpt", item.excerpt);
    ex.title = item.excerpt;
    first.appendChild(ex);
  }
  const marks = el("span", "row-marks");
  if (item.reason_kind) {
    const r = badge(`${item.reason_kind}：${item.reason || ""}`.slice(0, 40), "reason");
    r.title = `${REASONS[item.reason_kind] || item.reason_kind}：${item.reason || ""}`;
    r.dataset.reason = item.reason_kind;
    marks.appendChild(r);
  }
  if (item.urge_count > 0) {
    const u = badge(`催办 ×${item.urge_count}`, "urge");
    u.dataset.urge = String(item.urge_count);
    marks.appendChild(u);
  }
  if (item.reopen_count > 0 && item.reason_kind !== "重办") marks.appendChild(badge(`重办 ${item.reopen_count} 次`, "reopen"));
  if (marks.childElementCount) first.appendChild(marks);
  tr.appendChild(first);
  cell(tr, urgencyBadge(item.urgency));
  cell(tr, stateBadge(item.state));
  cell(tr, item.category, "col-category");
  cell(tr, item.lead_department || (item.departments && item.departments[0]), "col-lead");
  cell(tr, [item.institution, item.place].filter(Boolean).join(" / "), "col-optional col-place");
  cell(tr, fmtTime(item.created_at), "nowrap col-optional col-created");
  cell(tr, slaMark(item.sla, item.due_at, item.due_provisional));
  const n = Number(item.repeat_count) || 0;
  const rep = cell(tr, n > 0 ? el("span", "repeat", "×" + n) : "—", "num");
  if (n > 0) rep.title = `同类重复 ${n} 件`;
  tr.addEventListener("click", (event) => {
    if (event.target instanceof HTMLAnchorElement) return;
    a.click();
  });
  return tr;
}

/** Highlight row i (and optionally move focus to its link). */
function setCurrent(i, focus = true) {
  const rows = $("rows").querySelectorAll("tr[data-ticket]");
  if (!rows.length) return;
  view.current = Math.max(0, Math.min(rows.length - 1, i));
  rows.forEach((r, k) => {
    r.classList.toggle("is-current", k === view.current);
    if (k === view.current) r.setAttribute("aria-current", "true");
    else r.removeAttribute("aria-current");
  });
  if (focus) rows[view.current].querySelector("a").focus();
}

function renderRows() {
  const body = clear($("rows"));
  if (!view.items.length) {
    const tr = el("tr");
    const td = el("td", "empty", "没有符合条件的工单。");
    td.colSpan = 9;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  view.items.forEach((item, i) => body.appendChild(buildRow(item, i)));
  const pages = Math.max(1, Math.ceil(view.total / PAGE_SIZE));
  $("queue-summary").textContent = `共 ${view.total} 件 · 第 ${view.page} / ${pages} 页`;
  $("prev").disabled = view.page <= 1;
  $("next").disabled = view.page >= pages;
  view.current = -1;
}

/** Fetch one page with the URL's filters and draw it. */
async function load() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const name of FILTERS) if (params.get(name)) filters[name] = params.get(name);
  view.page = Math.max(1, Number(params.get("page")) || 1);
  updateExport(filters);
  document.body.setAttribute("aria-busy", "true");
  try {
    const data = await api("GET", "/api/staff/cases?" + query(filters, { page: view.page, page_size: PAGE_SIZE }));
    view.items = (data && data.items) || [];
    view.total = Number(data && data.total) || 0;
    showError($("queue-error"), null);
    renderRows();
  } catch (err) {
    showError($("queue-error"), err);
  } finally {
    document.body.removeAttribute("aria-busy");
  }
}

/** Change the URL (filters + page) and reload the table. */
function navigate(filters, page) {
  const q = query(filters, page > 1 ? { page } : {});
  history.pushState(null, "", location.pathname + (q ? "?" + q : ""));
  return load();
}

function currentFilters() {
  const params = new URLSearchParams(location.search);
  const f = {};
  for (const name of FILTERS) if (params.get(name)) f[name] = params.get(name);
  return f;
}

/** One workflow action on the highlighted row, straight from the queue (the server checks the table). */
async function quickAction(action, label) {
  const item = view.items[view.current];
  if (!item) {
    toast(`先用 j/k 选中一件工单，再按快捷键${label}。`);
    return;
  }
  const keep = view.current;
  try {
    const done = await api("POST", `/api/staff/cases/${encodeURIComponent(item.ticket)}/actions`, { action });
    const message = `已${label}：${done.ticket}（${done.state}）`;
    toast(message);
    $("queue-status").textContent = message;
    showError($("queue-error"), null);
    await load();
    setCurrent(keep);
  } catch (err) {
    showError($("queue-error"), `${item.ticket} 不能${label}：${errorText(err)}`);
  }
}

async function main() {
  const user = await requireUser();
  renderTopbar(user, "queue");
  fillSelect($("f-state"), [["", "全部状态"], ...STATES.map((s) => [s, s])]);
  fillSelect($("f-urgency"), [["", "全部"], ...Object.entries(URGENCY)]);
  fillSelect($("f-kind"), [["", "全部"], ...Object.entries(KINDS)]);
  fillSelect($("f-reason"), [["", "全部"], ...Object.keys(REASONS).map((k) => [k, k])]);
  fillSelect($("f-department"), [["", "全部部门"]]);
  try {
    const names = await departments();
    fillSelect($("f-department"), [["", "全部部门"], ...names.map((n) => [n, n])]);
  } catch (err) {
    showError($("queue-error"), err);
  }
  applyToForm(new URLSearchParams(location.search));

  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(formFilters(), 1);
  });
  for (const name of ["state", "department", "urgency", "kind", "reason", ...TOGGLES]) {
    $("f-" + name).addEventListener("change", () => navigate(formFilters(), 1));
  }
  $("f-reset").addEventListener("click", () => {
    applyToForm(new URLSearchParams());
    navigate({}, 1);
  });
  $("prev").addEventListener("click", () => navigate(currentFilters(), view.page - 1));
  $("next").addEventListener("click", () => navigate(currentFilters(), view.page + 1));
  window.addEventListener("popstate", () => {
    applyToForm(new URLSearchParams(location.search));
    load();
  });

  const canCreate = user.role === "hotline" || user.role === "admin";
  const openNew = canCreate ? setupNewCase() : null;
  $("new-case").hidden = !canCreate;
  $("key-new").hidden = !canCreate;

  const isDept = user.role === "department";
  $("key-accept").hidden = !isDept;
  $("key-urge").hidden = isDept;
  const toggle = (name) => {
    $("f-" + name).checked = !$("f-" + name).checked;
    navigate(formFilters(), 1);
  };
  shortcuts({
    "/": () => $("f-q").focus(),
    o: () => toggle("overdue"),
    c: () => toggle("urged"),
    r: () => load(),
    x: () => $("f-reset").click(),
    a: () => isDept && quickAction("accept", "签收"),
    u: () => !isDept && quickAction("urge", "催办"),
    j: () => setCurrent(view.current + 1),
    k: () => setCurrent(view.current - 1),
    Enter: () => {
      if (view.current >= 0) $("rows").querySelectorAll("tr[data-ticket] a")[view.current].click();
    },
    "[": () => { if (!$("prev").disabled) $("prev").click(); },
    "]": () => { if (!$("next").disabled) $("next").click(); },
    n: () => openNew && openNew(),
  });
  await load();
  ready();
}

main();
