/* DOM builders for chat messages: server data only ever goes through textContent / text nodes. */

export const KINDS = [
  "answer", "clarify", "out_of_scope", "handoff", "smalltalk", "form", "error", "emergency",
];

const LINK_RE =
  /(https?:\/\/[^\s<>"'，。；、）)]+)|((?:0\d{2,3}-)?\d{7,8}(?!\d)|1[3-9]\d{9}(?!\d)|123\d{2}(?!\d)|1(?:10|19|20)(?!\d))/g;

/** Length in characters (code points), the way the server's Python counts it. */
export function charCount(s) {
  return Array.from(s).length;
}

/** createElement with an optional class and plain-text content. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/** Append text, turning http(s) URLs and phone numbers into links made of DOM nodes. */
export function appendRichText(parent, text) {
  let last = 0;
  for (const m of text.matchAll(LINK_RE)) {
    const before = m.index > 0 ? text.charAt(m.index - 1) : "";
    if (m[2] && /[\dA-Za-z.\-]/.test(before)) continue; // not inside TY20261202-0003
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    const a = el("a", null, m[0]);
    if (m[1]) {
      a.href = m[1];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    } else {
      a.href = "tel:" + m[2].replace(/-/g, "");
    }
    parent.appendChild(a);
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

/** Right-hand bubble with what the user sent (or the quick-reply title). */
export function buildUserMessage(text) {
  const wrap = el("div", "msg msg--user");
  const bubble = el("div", "bubble");
  bubble.appendChild(el("span", "visually-hidden", "我说："));
  bubble.appendChild(document.createTextNode(text));
  wrap.appendChild(bubble);
  return wrap;
}

/** "依据：doc section" lines, each a <details> that opens to the quoted clause. */
function buildSources(sources) {
  const box = el("div", "sources");
  const seen = new Set();
  for (const s of sources) {
    if (!s || typeof s !== "object") continue;
    const doc = typeof s.doc === "string" ? s.doc.trim() : "";
    const section = typeof s.section === "string" ? s.section.trim() : "";
    const quote = typeof s.quote === "string" ? s.quote.trim() : "";
    const key = [doc, section, quote].join("\u0000");
    if ((!doc && !section) || seen.has(key)) continue;
    seen.add(key);
    const label = "依据：" + doc + (doc && section ? " " : "") + section;
    if (!quote) {
      box.appendChild(el("div", "source source--plain", label));
      continue;
    }
    const details = el("details", "source");
    const summary = el("summary", null, label);
    summary.title = "点开查看原文";
    details.append(summary, el("blockquote", "source__quote", quote));
    box.appendChild(details);
  }
  return box.childElementCount ? box : null;
}

/** Quick-reply pills; onPick(button) is called with the clicked {title, payload, onClick?}. */
function buildButtons(buttons, onPick) {
  const box = el("div", "quick");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "可以直接点的选项");
  for (const b of buttons) {
    if (!b || typeof b.title !== "string" || !b.title.trim()) continue;
    const btn = el("button", "quick__btn", b.title);
    btn.type = "button";
    btn.addEventListener("click", () => onPick(b));
    box.appendChild(btn);
  }
  return box.childElementCount ? box : null;
}

/** Left-hand bot message: text bubble, then citations, then quick replies; null if empty. */
export function buildBotMessage(msg, { kind = "answer", extraClass = "", onPick }) {
  const k = KINDS.includes(kind) ? kind : "answer";
  const wrap = el("div", `msg msg--bot msg--${k} ${extraClass}`.trim());
  const text = msg && typeof msg.text === "string" ? msg.text : "";
  if (text) {
    const bubble = el("div", "bubble");
    bubble.appendChild(el("span", "visually-hidden", "助手说："));
    appendRichText(bubble, text);
    wrap.appendChild(bubble);
  }
  const sources = msg && Array.isArray(msg.sources) ? buildSources(msg.sources) : null;
  if (sources) wrap.appendChild(sources);
  const buttons = msg && Array.isArray(msg.buttons) ? buildButtons(msg.buttons, onPick) : null;
  if (buttons) wrap.appendChild(buttons);
  return wrap.childElementCount ? wrap : null;
}

/** Three bouncing dots shown while waiting for the server. */
export function buildTyping() {
  const wrap = el("div", "msg msg--bot typing");
  const bubble = el("div", "bubble");
  bubble.appendChild(el("span", "visually-hidden", "助手正在回复…"));
  for (let i = 0; i < 3; i++) bubble.appendChild(el("span", "typing__dot"));
  wrap.appendChild(bubble);
  return wrap;
}
