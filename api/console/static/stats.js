/* Stats page: 满意率/按时办结率/重办率/overdue KPIs, a monthly trend and bar charts in inline SVG (drawn here), CSV exports. */
import {
  STATES, api, clear, departments, el, fillSelect, ready, renderTopbar, requireUser, showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text != null) node.textContent = String(text);
  return node;
}

/** {name: count} (or [{name|key, count|value}]) → [[name, count]]. */
function entries(data) {
  if (Array.isArray(data)) {
    return data.map((x) => [x.name ?? x.key ?? x.label ?? "", Number(x.count ?? x.value) || 0]);
  }
  return Object.entries(data || {}).map(([k, v]) => [k, Number(v) || 0]);
}

/** Horizontal bars, one per row, labels left, counts right; plus the same numbers as a table. */
function barChart(title, rows, empty = "这段时间没有数据。") {
  const section = el("section", "card chart");
  const id = "chart-" + title;
  section.setAttribute("aria-labelledby", id);
  const h = el("h2", null, title);
  h.id = id;
  section.appendChild(h);
  if (!rows.length) {
    section.appendChild(el("p", "hint", empty));
    return section;
  }
  const W = 460, labelW = 160, valueW = 40, barH = 22, gap = 8, pad = 4;
  const H = rows.length * (barH + gap) + pad;
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${title}：` + rows.map(([k, v]) => `${k} ${v} 件`).join("，") });
  rows.forEach(([name, count], i) => {
    const y = pad + i * (barH + gap);
    const g = svg("g");
    const label = name.length > 11 ? name.slice(0, 10) + "…" : name;
    const t = svg("text", { x: labelW - 8, y: y + barH / 2 + 4, "text-anchor": "end", class: "bar-label" }, label);
    t.appendChild(svg("title", {}, name));
    const w = Math.max(count > 0 ? 2 : 0, ((W - labelW - valueW) * count) / max);
    g.append(t, svg("rect", { x: labelW, y, width: w, height: barH, rx: 3, class: "bar" }),
      svg("text", { x: labelW + w + 6, y: y + barH / 2 + 4, class: "bar-value" }, count));
    chart.appendChild(g);
  });
  section.appendChild(chart);
  const details = el("details");
  details.appendChild(el("summary", null, "查看数字表"));
  const table = el("table", "grid");
  const head = el("tr");
  head.append(el("th", null, "项目"), el("th", null, "件数"));
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  for (const [name, count] of rows) {
    const tr = el("tr");
    tr.append(el("td", null, name), el("td", "num", count));
    body.appendChild(tr);
  }
  details.appendChild(table);
  section.appendChild(details);
  return section;
}

function kpi(label, value, unit) {
  const box = el("div", "kpi");
  box.appendChild(el("div", "kpi__label", label));
  const v = el("div", "kpi__value", value == null ? "—" : value);
  if (value != null && unit) v.appendChild(el("span", "kpi__unit", unit));
  box.appendChild(v);
  return box;
}

/** 0.875 → "87.5"; null → null (nothing to divide by). */
function pct(rate) {
  return rate == null ? null : (Number(rate) * 100).toFixed(1);
}

const SERIES = [
  ["on_time_rate", "按时办结率", "line line--ontime"],
  ["satisfaction_rate", "满意率", "line line--satisfied"],
  ["reopen_rate", "重办率", "line line--reopen"],
];

/** Months as bars (cases filed) with the three rates as lines on a 0–100 % axis; a table below. */
function trendChart(months) {
  const box = clear($("trend-chart"));
  if (!months.length) {
    box.appendChild(el("p", "hint", "这段时间没有数据。"));
    return;
  }
  const W = 720, H = 260, left = 40, right = 40, top = 16, bottom = 36;
  const plotW = W - left - right, plotH = H - top - bottom;
  const step = plotW / months.length;
  const max = Math.max(1, ...months.map((m) => m.cases));
  const label = months.map((m) => `${m.name} 受理 ${m.cases} 件，按时办结率 ${pct(m.on_time_rate) ?? "—"}%，满意率 ${pct(m.satisfaction_rate) ?? "—"}%`).join("；");
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "按月趋势：" + label, id: "trend-svg" });
  for (const v of [0, 50, 100]) {
    const y = top + plotH - (plotH * v) / 100;
    chart.append(svg("line", { x1: left, x2: W - right, y1: y, y2: y, class: "grid-line" }),
      svg("text", { x: W - right + 4, y: y + 4, class: "axis" }, v + "%"));
  }
  months.forEach((m, i) => {
    const h = (plotH * m.cases) / max;
    const bw = Math.min(step * 0.6, 56);
    const x = left + i * step + (step - bw) / 2;
    chart.append(svg("rect", { x, y: top + plotH - h, width: bw, height: h, rx: 2, class: "bar--month" }),
      svg("text", { x: x + bw / 2, y: top + plotH - h - 4, "text-anchor": "middle", class: "bar-value" }, m.cases),
      svg("text", { x: x + bw / 2, y: H - bottom + 16, "text-anchor": "middle", class: "axis" }, m.name));
  });
  for (const [key, , cls] of SERIES) {
    const pts = months.map((m, i) => [left + i * step + step / 2, m[key]]).filter(([, v]) => v != null)
      .map(([x, v]) => [x, top + plotH - plotH * Number(v)]);
    if (!pts.length) continue;
    chart.appendChild(svg("polyline", { points: pts.map((p) => p.join(",")).join(" "), class: cls, fill: "none" }));
    for (const [x, y] of pts) chart.appendChild(svg("circle", { cx: x, cy: y, r: 3, class: cls }));
  }
  const legend = el("p", "legend");
  legend.appendChild(el("span", "legend__item legend__item--bar", "受理量（柱）"));
  for (const [, name, cls] of SERIES) legend.appendChild(el("span", "legend__item " + cls.split(" ")[1], name));
  box.append(chart, legend, tallyTable(months, "月份", "trend-table"));
}

/** The figures of each row (month or department) as a table; rates in %. */
function tallyTable(rows, first, id) {
  const table = el("table", "grid");
  if (id) table.id = id;
  const cols = [[first, (t) => t.name], ["受理", (t) => t.cases], ["办结", (t) => t.resolved],
    ["按时办结率", (t) => (pct(t.on_time_rate) ?? "—") + (t.on_time_rate == null ? "" : "%")],
    ["重办率", (t) => (pct(t.reopen_rate) ?? "—") + (t.reopen_rate == null ? "" : "%")],
    ["满意率", (t) => (pct(t.satisfaction_rate) ?? "—") + (t.satisfaction_rate == null ? "" : "%")],
    ["当前超期", (t) => t.overdue_now], ["催办", (t) => t.urges]];
  const head = el("tr");
  for (const [name] of cols) head.appendChild(el("th", null, name));
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  for (const t of rows) {
    const tr = el("tr");
    tr.dataset.name = t.name;
    cols.forEach(([, get], i) => tr.appendChild(el("td", i ? "num" : null, String(get(t)))));
    body.appendChild(tr);
  }
  return table;
}

/** Median duration as [number, unit]: minutes under an hour, else hours with one decimal. */
function duration(h) {
  if (h == null || Number.isNaN(Number(h))) return [null, ""];
  const n = Number(h);
  return n < 1 ? [Math.round(n * 60), "分钟"] : [n.toFixed(1), "小时"];
}

function render(data) {
  const byState = entries(data.by_state);
  const total = byState.reduce((s, [, n]) => s + n, 0);
  const t = data.totals || {};
  const wd = data.median_working_days_to_resolve;
  clear($("kpis")).append(
    kpi("工单总数", total, "件"),
    kpi("满意率", pct(t.satisfaction_rate), "%"),
    kpi("按时办结率", pct(t.on_time_rate), "%"),
    kpi("重办率", pct(t.reopen_rate), "%"),
    kpi("当前超期", t.overdue_now ?? null, "件"),
    kpi("签收用时（中位数）", ...duration(data.median_hours_to_accept)),
    kpi("办结用时（中位数）", ...duration(data.median_hours_to_resolve)),
    kpi("办结用时（工作日，中位数）", wd == null ? null : Number(wd).toFixed(1), "天"),
  );
  for (const box of $("kpis").children) box.dataset.kpi = box.firstChild.textContent;
  trendChart(data.months || []);
  $("dept-table").replaceWith(tallyTable(data.departments || [], "主办部门", "dept-table"));
  const desc = (rows) => rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh"));
  const stateOrder = (k) => (STATES.includes(k) ? STATES.indexOf(k) : 99);
  clear($("charts")).append(
    barChart("按主办部门", desc(entries(data.by_department))),
    barChart("按类别", desc(entries(data.by_category))),
    barChart("按状态", byState.sort((a, b) => stateOrder(a[0]) - stateOrder(b[0]))),
    barChart("按月份", entries(data.by_month).sort((a, b) => a[0].localeCompare(b[0]))),
    barChart("当前超期（按主办部门）", desc(entries(data.overdue_by_department)), "目前没有超期工单。"),
  );
}

function updateExport() {
  const p = new URLSearchParams();
  for (const name of ["state", "department"]) if ($("s-" + name).value) p.set(name, $("s-" + name).value);
  $("s-export").href = "/api/staff/export.csv" + (p.toString() ? "?" + p : "");
}

async function load() {
  const p = new URLSearchParams();
  for (const name of ["since", "until"]) if ($("s-" + name).value) p.set(name, $("s-" + name).value);
  history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
  if (p.get("since") && p.get("until") && p.get("since") > p.get("until")) {
    showError($("stats-error"), "开始日期不能晚于结束日期。");
    return;
  }
  $("s-stats-export").href = "/api/staff/stats.csv" + (p.toString() ? "?" + p : "");
  try {
    render((await api("GET", "/api/staff/stats" + (p.toString() ? "?" + p : ""))) || {});
    showError($("stats-error"), null);
  } catch (err) {
    showError($("stats-error"), err);
  }
}

async function main() {
  const user = await requireUser();
  renderTopbar(user, "stats");
  const params = new URLSearchParams(location.search);
  for (const name of ["since", "until"]) $("s-" + name).value = params.get(name) || "";
  fillSelect($("s-state"), [["", "全部状态"], ...STATES.map((s) => [s, s])]);
  fillSelect($("s-department"), [["", "全部部门"]]);
  try {
    fillSelect($("s-department"), [["", "全部部门"], ...(await departments()).map((n) => [n, n])]);
  } catch (err) {
    showError($("stats-error"), err);
  }
  $("s-state").addEventListener("change", updateExport);
  $("s-department").addEventListener("change", updateExport);
  $("stats-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  updateExport();
  await load();
  ready();
}

main();
