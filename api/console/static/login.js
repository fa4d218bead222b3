/* Login page: POST /api/auth/login, then go where the user was headed (only inside /console). */
import { ApiError, api, ready, showError } from "./common.js";

const form = document.getElementById("login-form");
const user = document.getElementById("username");
const pass = document.getElementById("password");
const error = document.getElementById("login-error");
const submit = document.getElementById("login-submit");

/** Only same-site console paths are allowed as the redirect target. */
function nextUrl() {
  const next = new URLSearchParams(location.search).get("next") || "";
  return /^\/console(?:[/?#]|$)/.test(next) && !next.startsWith("//") ? next : "/console";
}

/** The message for a refused login, by status. */
function loginError(err) {
  if (!(err instanceof ApiError)) return "登录出错了，请重试。";
  const d = err.detail ? `（${err.detail}）` : "";
  if (err.status === 401) return (err.detail || "用户名或密码不正确").replace(/[。.]$/, "") + "。";
  if (err.status === 423 || err.status === 429) {
    return "账号暂时锁定：" + (err.detail || "登录失败次数过多，请稍后再试").replace(/[。.]$/, "") + "。如需立即解锁请联系管理员重置密码。";
  }
  if (err.status === 403) return "这个账号已停用" + d + "，请联系管理员。";
  if (err.status === 422) return "请填写用户名和密码。";
  if (err.status === 0) return "连不上服务器，请检查网络。";
  return `登录失败（${err.status}）${d}`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(error, null);
  user.removeAttribute("aria-invalid");
  pass.removeAttribute("aria-invalid");
  if (!user.value.trim() || !pass.value) {
    showError(error, "请填写用户名和密码。");
    (user.value.trim() ? pass : user).setAttribute("aria-invalid", "true");
    (user.value.trim() ? pass : user).focus();
    return;
  }
  submit.disabled = true;
  submit.textContent = "正在登录…";
  try {
    await api("POST", "/api/auth/login", { username: user.value.trim(), password: pass.value }, { auth: false });
    location.assign(nextUrl());
  } catch (err) {
    showError(error, loginError(err));
    pass.value = "";
    pass.setAttribute("aria-invalid", "true");
    pass.focus();
    submit.disabled = false;
    submit.textContent = "登录";
  }
});

if (new URLSearchParams(location.search).has("next")) {
  const notice = document.getElementById("notice");
  notice.textContent = "请先登录。";
  notice.hidden = false;
}
user.focus();
ready();
