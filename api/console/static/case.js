/* Case detail page: original text, triage reasons, contact (reveal is audited), timeline, repeats, actions. */
import {
  ACTIONS, CHANNELS, FACTS, KINDS, REASONS, ROLES, URGENCY, api, badge, buildDepartments, buildFacts,
  buildSignals, clear, el, errorText, fmtTime, ready, renderTopbar, requireUser, shortcuts, showError,
  slaMark, stateBadge, toast, urgencyBadge,
} from "./common.js";
import { renderActions } from "./actions.js";

const $ = (id) => document.getElementById(id);
const ticket = decodeURIComponent(location.pathname.split("/").pop() || "");
const view = { user: null, detail: null, revealed: null };

/** 138****5678 style mask for showing a number before it is revealed. */
function maskPhone(phone) {
  const s = String(phone);
  if (s.includes("*")) return s;
  return s.length > 7 ? s.slice(0, 3) + "*".repeat(s.length - 7) + s.slice(-4) : s.replace(/\d(?=\d{2})/g, "*");
}

/** "staff:rexian01" → "rexian01"; "service" stays. */
function actorName(actor) {
  return String(actor || "—").replace(/^staff:/, "");
}

function renderHead(d) {
  $("c-ticket").textContent = d.ticket;
  document.title = `${d.ticket} · 工单详情 · 托育助手热线工作台`;
  const badges = clear($("c-badges"));
  badges.append(stateBadge(d.state), urgencyBadge(d.urgency), badge(KINDS[d.kind] || d.kind || "投诉", "kind"));
  badges.appendChild(slaMark(d.sla, d.due_at, d.due_provisional));
  badges.lastChild.title = "当前环节截止时间";
  if (d.urge_count > 0) badges.appendChild(badge(`催办 ×${d.urge_count}`, "urge"));
  if (d.reopen_count > 0) badges.appendChild(badge(`重办 ${d.reopen_count} 次`, "reopen"));
  const reason = $("c-reason");
  reason.hidden = !d.reason_kind;
  if (d.reason_kind) {
    reason.replaceChildren(el("strong", null, (REASONS[d.reason_kind] || d.reason_kind) + "："),
      document.createTextNode(d.reason || "—"));
    reason.dataset.kind = d.reason_kind;
  }
}

function renderText(d) {
  $("c-text").textContent = d.text || "";
  const facts = (d.triage && d.triage.facts) || {};
  const pairs = [
    ["机构", d.institution || facts.institution],
    ["地点", d.place || facts.place],
    ["时间", d.when || facts.when],
  ];
  for (const [key, label] of Object.entries(FACTS)) {
    if (!["institution", "place", "when"].includes(key)) pairs.push([label, facts[key]]);
  }
  clear($("c-facts")).appendChild(buildFacts(pairs));
}

function renderTriage(d) {
  const t = d.triage || {};
  const meta = clear($("c-triage-meta"));
  meta.append(el("span", null, "类别：" + (t.category || d.category || "—")),
    el("span", null, "紧急程度：" + (URGENCY[t.urgency] || t.urgency || "—")));
  clear($("c-signals")).appendChild(buildSignals(t.urgency_signals));
  const depts = clear($("c-depts"));
  if (t.departments && t.departments.length) depts.appendChild(buildDepartments(t.departments));
  else depts.appendChild(el("p", "hint", "没有自动分派建议。"));
}

function renderConversation(d) {
  const turns = Array.isArray(d.conversation) ? d.conversation : [];
  $("convo-card").hidden = !turns.length;
  const box = clear($("c-convo"));
  for (const t of turns) {
    if (!t || typeof t.text !== "string") continue;
    const user = t.role === "user";
    const turn = el("div", "convo__turn" + (user ? " convo__turn--user" : ""));
    turn.append(el("span", "convo__who", user ? "来访者" : "助手"), document.createTextNode(t.text));
    box.appendChild(turn);
  }
}

/** A triage_override note is JSON {suggested, chosen}; anything else is shown as written. */
function eventNote(e) {
  if (e.action === "triage_override" && e.note) {
    try {
      const o = JSON.parse(e.note);
      return `建议：${(o.suggested || []).join("、") || "—"}\n实际派往：${(o.chosen || []).join("、") || "—"}`;
    } catch {
      return e.note;
    }
  }
  return e.note;
}

/** Reads of the case (audited on every open) are hidden unless asked for, so the workflow stays readable. */
const VIEW_EVENTS = new Set(["contact_viewed"]);

function renderTimeline(d) {
  const list = clear($("c-timeline"));
  const events = d.events || [];
  const views = events.filter((e) => VIEW_EVENTS.has(e.action)).length;
  const showViews = $("show-views").checked;
  $("show-views-label").textContent = `显示查看记录（${views} 条）`;
  $("show-views").parentElement.hidden = !views;
  for (const e of events) {
    if (!showViews && VIEW_EVENTS.has(e.action)) continue;
    const li = el("li");
    const head = el("div", "timeline__head");
    head.appendChild(el("span", "timeline__action", ACTIONS[e.action] || e.action));
    if (e.to_state && e.to_state !== e.from_state) {
      head.appendChild(el("span", "timeline__meta", (e.from_state ? e.from_state + " → " : "") + e.to_state));
    }
    head.appendChild(el("span", "timeline__meta", `${fmtTime(e.at)} · ${actorName(e.actor)}`));
    li.appendChild(head);
    const note = eventNote(e);
    if (note) li.appendChild(el("p", "timeline__note", note));
    list.appendChild(li);
  }
  if (!list.childElementCount) list.appendChild(el("li", "hint", "还没有办理记录。"));
}

function renderInfo(d) {
  const lead = d.lead_department || (d.departments || [])[0];
  const assist = (d.departments || []).filter((n) => n !== lead);
  const sat = Number(d.satisfaction);
  clear($("c-info")).appendChild(buildFacts([
    ["类别", d.category],
    ["主办部门", lead || "未派单"],
    ["协办部门", assist],
    ["渠道", CHANNELS[d.channel] || d.channel],
    ["受理时间", fmtTime(d.created_at)],
    ["更新时间", fmtTime(d.updated_at)],
    ["当前截止", d.due_at ? slaMark(d.sla, d.due_at, d.due_provisional) : null],
    ["满意度", sat >= 1 && sat <= 5 ? `${sat} / 5` : null],
    ["催办", d.urge_count > 0 ? `${d.urge_count} 次` : null],
    ["重办", d.reopen_count > 0 ? `${d.reopen_count} 次` : null],
    ["办理结果", d.result ? `${d.result}（${fmtTime(d.result_at).slice(0, 10)}）` : null],
  ]));
}

function renderContact(d) {
  const box = clear($("c-contact"));
  const c = d.contact || {};
  const canReveal = ["hotline", "admin"].includes(view.user.role);
  if (!c.phone) {
    box.appendChild(el("span", "hint", "来电人没有留电话。"));
    return;
  }
  if (view.revealed) {
    const a = el("a", "contact__phone", view.revealed);
    a.href = "tel:" + view.revealed.replace(/[^\d+]/g, "");
    a.id = "c-phone";
    box.append(a, el("span", "hint", "已查看（已记录）"));
    return;
  }
  const phone = el("span", "contact__phone", maskPhone(c.phone));
  phone.id = "c-phone";
  box.appendChild(phone);
  if (!canReveal) {
    box.appendChild(el("span", "hint", "号码已隐藏，由热线回访。"));
    return;
  }
  const btn = el("button", "btn btn--small", "查看联系方式");
  btn.type = "button";
  btn.id = "reveal";
  btn.title = "查看会记入办理记录";
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      const r = await api("POST", `/api/staff/cases/${encodeURIComponent(d.ticket)}/contact`);
      view.revealed = (r && r.phone) || "";
      if (!view.revealed) return box.replaceChildren(el("span", "hint", "来电人没有留电话。"));
      toast("已显示联系方式，本次查看已记录。");
      await load();
      $("c-phone").focus();
    } catch (err) {
      btn.disabled = false;
      showError($("action-error"), err);
    }
  });
  box.appendChild(btn);
}

function renderRepeats(d) {
  const box = clear($("c-repeats"));
  const list = (d.repeats || []).filter((r) => r && r.ticket);
  if (!list.length) {
    box.appendChild(el("p", "hint", "没有重复或关联工单。"));
    return;
  }
  const ul = el("ul", "repeats");
  for (const r of list) {
    const li = el("li");
    const a = el("a", "ticket", r.ticket);
    a.href = "/console/cases/" + encodeURIComponent(r.ticket);
    li.append(a, document.createTextNode(" "), stateBadge(r.state), document.createTextNode(" " + fmtTime(r.created_at)));
    if (r.excerpt) li.appendChild(el("span", "excerpt", r.excerpt));
    ul.appendChild(li);
  }
  box.appendChild(ul);
}

/** Draw everything from one case-detail response. */
function render(d) {
  view.detail = d;
  renderHead(d);
  renderText(d);
  renderTriage(d);
  renderConversation(d);
  renderTimeline(d);
  renderInfo(d);
  renderContact(d);
  renderRepeats(d);
  renderActions({
    detail: d,
    actionsBox: $("c-actions"),
    formBox: $("c-action-form"),
    errorBox: $("action-error"),
    onDone: (updated, label) => {
      render(updated);
      toast(`已${label}：${updated.ticket} 现为「${updated.state}」`);
      $("actions-card").focus();
    },
    onConflict: () => load({ keepError: true }),
  });
  $("case").hidden = false;
  document.body.dataset.state = d.state || "";
}

/** Fetch the detail again (after an action, a conflict, or a reveal). */
async function load({ keepError = false } = {}) {
  try {
    const d = await api("GET", `/api/staff/cases/${encodeURIComponent(ticket)}`);
    showError($("case-error"), null);
    const error = $("action-error").textContent;
    render(d);
    if (keepError && error) showError($("action-error"), error);
  } catch (err) {
    $("case").hidden = true;
    showError($("case-error"), err.status === 404 ? `没有找到工单 ${ticket}，或它不归你所在的部门办理。` : errorText(err));
  }
}

/** The lookup PIN is in the create response only: show it once, then forget it. */
function showPin() {
  const key = "tuoyu.pin." + ticket;
  let pin = null;
  try {
    pin = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
  } catch {
    /* storage blocked */
  }
  if (pin) {
    const box = $("pin-notice");
    box.textContent = `工单已登记。请告知来电人：工单号 ${ticket}，查询码 ${pin}（查询码只显示这一次）。`;
    box.hidden = false;
  }
}

async function main() {
  view.user = await requireUser();
  renderTopbar(view.user, "queue");
  showPin();
  await load();
  $("show-views").addEventListener("change", () => view.detail && renderTimeline(view.detail));
  shortcuts({
    u: () => $("back").click(),
    a: () => $("actions-card").focus(),
  });
  document.body.dataset.role = ROLES[view.user.role] ? view.user.role : "";
  ready();
}

main();
