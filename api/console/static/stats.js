/* Stats page: counts by department/category/state/month as inline-SVG bar charts, medians, CSV export. */
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
function barChart(title, rows) {
  const section = el("section", "card chart");
  const id = "chart-" + title;
  section.setAttribute("aria-labelledby", id);
  const h = el("h2", null, title);
  h.id = id;
  section.appendChild(h);
  if (!rows.length) {
    section.appendChild(el("p", "hint", "这段时间没有数据。"));
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

/** Median duration as [number, unit]: minutes under an hour, else hours with one decimal. */
function duration(h) {
  if (h == null || Number.isNaN(Number(h))) return [null, ""];
  const n = Number(h);
  return n < 1 ? [Math.round(n * 60), "分钟"] : [n.toFixed(1), "小时"];
}

function render(data) {
  const byState = entries(data.by_state);
  const total = byState.reduce((s, [, n]) => s + n, 0);
  clear($("kpis")).append(
    kpi("工单总数", total, "件"),
    kpi("签收用时（中位数）", ...duration(data.median_hours_to_accept)),
    kpi("办结用时（中位数）", ...duration(data.median_hours_to_resolve)),
  );
  const desc = (rows) => rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh"));
  const stateOrder = (k) => (STATES.includes(k) ? STATES.indexOf(k) : 99);
  clear($("charts")).append(
    barChart("按主办部门", desc(entries(data.by_department))),
    barChart("按类别", desc(entries(data.by_category))),
    barChart("按状态", byState.sort((a, b) => stateOrder(a[0]) - stateOrder(b[0]))),
    barChart("按月份", entries(data.by_month).sort((a, b) => a[0].localeCompare(b[0]))),
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
