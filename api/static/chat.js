/* 托育助手 chat page controller: sender id, composer, POST /api/chat, error bubbles. */
import { buildBotMessage, buildTyping, buildUserMessage, charCount } from "./render.js";

const API_URL = "/api/chat";
const MAX_CHARS = 1000;
const TIMEOUT_MS = 30000;
const STORAGE_KEY = "tuoyu.sender_id";

const WELCOME = {
  text:
    "你好呀～我是仁和区托育助手。\n" +
    "产假、陪产假（护理假）、托班收多大的娃、开托育机构要找哪些部门、想投诉托育机构……都可以直接问我。\n" +
    "下面几个问题点一下就能问：",
  starters: [
    "男方陪产假有几天",
    "生娃产假一共多少天",
    "托班收几岁的孩子",
    "开托育机构要办哪些手续",
    "托育机构乱收费找谁投诉",
  ],
};

const MSG = {
  empty: "（这次没有收到回复，换个说法再问问看？）",
  tooLong: `最多 ${MAX_CHARS} 个字，已经超出了，请删减一些再发送。`,
  invalid: "这条消息没法处理（可能是空的或者太长），改一改再发吧。",
  unavailable: "助手暂时连不上，请稍后再试。",
  rateLimited: "发得有点快，歇几秒再试试吧。",
  server: "服务器出了点问题，请稍后再试。",
  network: "网络好像断了，没连上服务器。检查一下网络再点“重试”。",
  timeout: "等了很久都没有回应，可能网络不太好，请点“重试”。",
  retry: "重试",
};

const state = { busy: false, generation: 0, controller: null, typing: null, memoryId: null };
const els = {};

/* ---------- sender id ---------- */

function newUuid() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function getSenderId() {
  try {
    let id = localStorage.getItem(STORAGE_KEY);
    if (id && /^[A-Za-z0-9-]{1,64}$/.test(id)) return id;
    id = newUuid();
    localStorage.setItem(STORAGE_KEY, id);
    return id;
  } catch {
    state.memoryId ??= newUuid(); // storage blocked (private mode): keep the id for this tab
    return state.memoryId;
  }
}

function resetSenderId() {
  state.memoryId = null;
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage blocked */
  }
  getSenderId();
}

/* ---------- log ---------- */

function append(node) {
  if (node) els.log.appendChild(node);
  return node;
}

/** Keep a new reply in view; a long reply is shown from its first line. */
function scrollToShow(node) {
  const log = els.log;
  if (node.offsetHeight + 16 < log.clientHeight) log.scrollTop = log.scrollHeight;
  else log.scrollTop = node.offsetTop - 8;
}

function onPick(button) {
  if (state.busy) return;
  if (button.onClick) return button.onClick();
  const payload = typeof button.payload === "string" && button.payload.trim() ? button.payload : button.title;
  send(payload, button.title);
}

function addBot(msg, kind, extraClass = "msg--reply") {
  return append(buildBotMessage(msg, { kind, extraClass, onPick }));
}

function showWelcome() {
  const buttons = WELCOME.starters.map((t) => ({ title: t, payload: t }));
  addBot({ text: WELCOME.text, buttons }, "smalltalk", "msg--welcome");
}

function showTyping() {
  state.typing = append(buildTyping());
  els.log.scrollTop = els.log.scrollHeight;
}

function hideTyping() {
  state.typing?.remove();
  state.typing = null;
}

/** Error as a bot bubble; retryText adds a 重试 button that resends it without a new user bubble. */
function showError(text, retryText) {
  const buttons = retryText ? [{ title: MSG.retry, onClick: () => send(retryText, null) }] : [];
  const node = addBot({ text, buttons }, "error");
  if (node) scrollToShow(node);
}

function renderReply(body) {
  const kind = typeof body.kind === "string" ? body.kind : "answer";
  const shown = body.messages.map((m) => addBot(m, m.urgent ? "emergency" : kind)).filter(Boolean);
  const first = shown[0] ?? addBot({ text: MSG.empty }, "error");
  scrollToShow(first);
}

/* ---------- composer ---------- */

function setBusy(busy) {
  state.busy = busy;
  els.send.disabled = busy;
  els.app.setAttribute("aria-busy", String(busy));
}

function showInputError(text) {
  if (els.error.textContent !== text) els.error.textContent = text;
  els.error.hidden = !text;
}

/** Refresh the counter and the over-limit message; returns the trimmed length. */
function updateCounter() {
  const n = charCount(els.input.value.trim());
  const over = n > MAX_CHARS;
  els.counter.textContent = `${n}/${MAX_CHARS}`;
  els.counter.classList.toggle("is-over", over);
  els.input.setAttribute("aria-invalid", String(over));
  showInputError(over ? MSG.tooLong : "");
  return n;
}

/** Grow the textarea with its content (up to 160px), keeping the log pinned to the bottom. */
function autoGrow() {
  const log = els.log;
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  els.input.style.height = "auto";
  els.input.style.height = `${Math.min(els.input.scrollHeight + 2, 160)}px`;
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function onSubmit(event) {
  event?.preventDefault();
  const text = els.input.value.trim();
  if (!text || updateCounter() > MAX_CHARS || state.busy) {
    els.input.focus();
    return;
  }
  els.input.value = "";
  updateCounter();
  autoGrow();
  send(text, text);
}

function onKeyDown(event) {
  // isComposing / 229: Enter that confirms a pinyin candidate must not send
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  onSubmit(null);
}

/* ---------- network ---------- */

function errorText(status, body) {
  const detail = body && typeof body.detail === "string" ? body.detail.trim() : "";
  if (status === 422) return detail || MSG.invalid;
  if (status === 503) return detail || MSG.unavailable;
  if (status === 429) return detail || MSG.rateLimited;
  return `${MSG.server}（错误码 ${status}）`;
}

/** POST text; display is the user-bubble text (null = resend without a bubble). */
async function send(text, display) {
  if (state.busy || !text) return;
  const gen = state.generation;
  if (display != null) {
    append(buildUserMessage(display));
    els.log.scrollTop = els.log.scrollHeight;
  }
  setBusy(true);
  showTyping();
  const controller = new AbortController();
  state.controller = controller;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, TIMEOUT_MS);

  let status = 0;
  let body = null;
  let failed = false;
  try {
    const res = await fetch(API_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ sender_id: getSenderId(), text }),
      signal: controller.signal,
    });
    status = res.status;
    body = await res.json().catch(() => null);
  } catch {
    failed = true;
  } finally {
    clearTimeout(timer);
  }
  if (gen !== state.generation) return; // 新对话 was pressed meanwhile
  hideTyping();
  state.controller = null;
  try {
    if (failed) showError(timedOut ? MSG.timeout : MSG.network, text);
    else if (status === 200 && body && Array.isArray(body.messages)) renderReply(body);
    else showError(status === 200 ? MSG.server : errorText(status, body), status === 422 ? null : text);
  } finally {
    setBusy(false);
  }
}

function newConversation() {
  state.generation += 1;
  state.controller?.abort();
  state.controller = null;
  hideTyping();
  setBusy(false);
  resetSenderId();
  els.log.replaceChildren();
  showWelcome();
  els.input.value = "";
  updateCounter();
  autoGrow();
  els.input.focus();
}

function init() {
  els.app = document.getElementById("app");
  els.log = document.getElementById("log");
  els.input = document.getElementById("input");
  els.send = document.getElementById("send");
  els.counter = document.getElementById("counter");
  els.error = document.getElementById("input-error");

  document.getElementById("composer").addEventListener("submit", onSubmit);
  document.getElementById("new-chat").addEventListener("click", newConversation);
  els.input.addEventListener("keydown", onKeyDown);
  els.input.addEventListener("input", () => {
    updateCounter();
    autoGrow();
  });

  getSenderId();
  setBusy(false);
  els.log.replaceChildren();
  showWelcome();
  updateCounter();
  els.app.dataset.ready = "true";
}

init();
