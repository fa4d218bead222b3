/* Admin page: list accounts, create one (role + department), deactivate/reactivate, reset a password. */
import {
  ROLES, api, clear, departments, el, errorText, fillSelect, fmtTime, ready, renderTopbar,
  requireUser, showError, toast,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const MIN_PASSWORD = 10;

function syncDeptField() {
  $("u-dept-field").hidden = $("u-role").value !== "department";
}

/** A small modal asking for a new password; resolves to the password or null. */
function askPassword(user) {
  return new Promise((resolve) => {
    const dialog = el("dialog", "panel");
    const form = el("form");
    form.noValidate = true;
    const head = el("div", "panel__head");
    head.appendChild(el("h2", null, `重置 ${user.username} 的密码`));
    const body = el("div", "panel__body");
    const field = el("div", "field");
    const label = el("label", null, `新密码（至少 ${MIN_PASSWORD} 位；重置后该账号会被登出，并解除锁定）`);
    label.htmlFor = "reset-password";
    const input = el("input");
    input.type = "password";
    input.id = "reset-password";
    input.autocomplete = "new-password";
    field.append(label, input);
    const error = el("p", "alert");
    error.setAttribute("role", "alert");
    error.hidden = true;
    body.append(field, error);
    const foot = el("div", "panel__foot");
    const cancel = el("button", "btn", "取消");
    cancel.type = "button";
    const ok = el("button", "btn btn--primary", "重置密码");
    ok.type = "submit";
    foot.append(cancel, ok);
    form.append(head, body, foot);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    let result = null;
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (input.value.length < MIN_PASSWORD) {
        showError(error, `密码至少 ${MIN_PASSWORD} 位。`);
        input.focus();
        return;
      }
      result = input.value;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    input.focus();
  });
}

async function patchUser(user, body, done) {
  try {
    await api("PATCH", `/api/admin/users/${encodeURIComponent(user.id)}`, body);
    showError($("users-error"), null);
    toast(done);
    await loadUsers();
  } catch (err) {
    showError($("users-error"), err);
  }
}

function userRow(user, me) {
  const tr = el("tr");
  tr.dataset.username = user.username;
  tr.append(el("td", "ticket", user.username), el("td", null, user.display_name || "—"),
    el("td", null, ROLES[user.role] || user.role), el("td", null, user.department || "—"));
  const locked = user.locked_until && new Date(user.locked_until) > new Date();
  tr.appendChild(el("td", null, user.active === false ? "已停用" : locked ? "锁定中" : "正常"));
  tr.appendChild(el("td", "nowrap col-optional", fmtTime(user.created_at)));
  const actions = el("td", "nowrap");
  const toggle = el("button", user.active === false ? "btn btn--small" : "btn btn--small btn--danger",
    user.active === false ? "启用" : "停用");
  toggle.type = "button";
  toggle.setAttribute("aria-label", `${toggle.textContent} ${user.username}`);
  if (user.username === me.username && user.active !== false) toggle.disabled = true;
  toggle.addEventListener("click", () => {
    if (user.active === false) return patchUser(user, { active: true }, `已启用 ${user.username}`);
    if (!confirm(`停用账号 ${user.username}？停用后该账号会立即被登出。`)) return;
    return patchUser(user, { active: false }, `已停用 ${user.username}`);
  });
  const reset = el("button", "btn btn--small", "重置密码");
  reset.type = "button";
  reset.setAttribute("aria-label", `重置 ${user.username} 的密码`);
  reset.addEventListener("click", async () => {
    const password = await askPassword(user);
    if (password) await patchUser(user, { password }, `已重置 ${user.username} 的密码`);
    reset.focus();
  });
  actions.append(toggle, document.createTextNode(" "), reset);
  tr.appendChild(actions);
  return tr;
}

const SOURCE_STATUS = { in_force: "现行有效", superseded: "已被替代", expired: "已失效", not_yet: "尚未施行" };

/** Sources in force / superseded, last checked, and what `make kb-check` would flag. */
async function loadSources() {
  try {
    const data = await api("GET", "/api/admin/sources");
    const rows = clear($("source-rows"));
    for (const s of data.sources) {
      const tr = el("tr");
      const name = el("td", null, s.label + (s.record ? "（区正式文件）" : ""));
      const state = el("td", null, SOURCE_STATUS[s.status] || s.status);
      const checked = el("td", null, (s.last_checked || "未核对") + (s.check_due ? "（需复核）" : ""));
      tr.append(name, state, el("td", null, s.effective_from || "—"), el("td", null, s.effective_to || "—"),
        checked, el("td", "col-optional", s.note || ""));
      rows.appendChild(tr);
    }
    const missing = data.holiday_years_missing || [];
    $("sources-summary").textContent = `${data.today} 在用 ${data.sources.filter((s) => s.status === "in_force").length} 份；` +
      (missing.length ? `${missing.join("、")} 年节假日安排未录入（knowledge/data/holidays.yml），相关截止时间只按周末暂估。` : "节假日数据齐全。");
    const list = clear($("source-problems"));
    for (const line of data.stale_entries) list.appendChild(el("li", null, line));
  } catch (err) {
    showError($("sources-error"), err);
  }
}

let me = null;
async function loadUsers() {
  try {
    const data = await api("GET", "/api/admin/users");
    const users = Array.isArray(data) ? data : (data && data.items) || [];
    const rows = clear($("user-rows"));
    for (const u of users) rows.appendChild(userRow(u, me));
  } catch (err) {
    showError($("users-error"), err);
  }
}

async function create(event) {
  event.preventDefault();
  const error = $("create-error");
  showError(error, null);
  const body = {
    username: $("u-username").value.trim(),
    password: $("u-password").value,
    role: $("u-role").value,
  };
  const display = $("u-display").value.trim();
  if (display) body.display_name = display;
  if (body.role === "department") body.department = $("u-department").value;
  const fail = (message, input) => {
    showError(error, message);
    input.focus();
  };
  if (!body.username) return fail("请填写用户名。", $("u-username"));
  if (body.password.length < MIN_PASSWORD) return fail(`密码至少 ${MIN_PASSWORD} 位。`, $("u-password"));
  if (body.role === "department" && !body.department) return fail("部门账号要选择所属部门。", $("u-department"));
  try {
    await api("POST", "/api/admin/users", body);
    toast(`已创建账号 ${body.username}`);
    $("create-form").reset();
    syncDeptField();
    await loadUsers();
    $("u-username").focus();
  } catch (err) {
    showError(error, err.status === 409 ? `用户名 ${body.username} 已存在。` : errorText(err));
  }
}

async function main() {
  me = await requireUser();
  renderTopbar(me, "admin");
  if (me.role !== "admin") {
    showError($("admin-error"), "只有管理员可以管理账号。");
    ready();
    return;
  }
  $("admin-body").hidden = false;
  fillSelect($("u-role"), Object.entries(ROLES), "department");
  try {
    fillSelect($("u-department"), (await departments()).map((n) => [n, n]));
  } catch (err) {
    showError($("admin-error"), err);
  }
  $("u-role").addEventListener("change", syncDeptField);
  syncDeptField();
  $("create-form").addEventListener("submit", create);
  await Promise.all([loadUsers(), loadSources()]);
  ready();
}

main();
