/* New case from a phone call: notes → "分析" (POST /api/triage) shows the suggestion → POST /api/staff/cases. */
import {
  URGENCY, api, buildDepartments, buildSignals, clear, el, errorText, showError, urgencyBadge,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const OPTIONAL = ["phone", "institution", "place", "when"];

/** Draw the triage suggestion; fill empty fact fields from what triage found. */
function renderSuggestion(result) {
  const meta = clear($("n-suggest-meta"));
  meta.append(el("span", null, "类别：" + (result.category || "—")), urgencyBadge(result.urgency));
  meta.lastChild.title = "紧急程度：" + (URGENCY[result.urgency] || result.urgency || "");
  const signals = clear($("n-suggest-signals"));
  signals.appendChild(buildSignals(result.urgency_signals));
  const depts = clear($("n-suggest-depts"));
  depts.appendChild(buildDepartments(result.departments));
  const facts = result.facts || {};
  for (const name of ["institution", "place", "when"]) {
    const input = $("n-" + name);
    if (!input.value.trim() && typeof facts[name] === "string") input.value = facts[name];
  }
  $("n-suggest").hidden = false;
}

/** Wire the dialog once; returns the function that opens it. */
export function setupNewCase() {
  const dialog = $("new-dialog");
  const form = $("new-form");
  const text = $("n-text");
  const error = $("n-error");
  const analyse = $("n-analyse");
  const submit = $("n-submit");
  let analysedText = null;

  const close = () => dialog.close();
  $("new-close").addEventListener("click", close);
  $("n-cancel").addEventListener("click", close);
  dialog.addEventListener("close", () => $("new-case").focus());

  text.addEventListener("input", () => {
    if (analysedText !== null && text.value !== analysedText) {
      $("n-analyse-hint").textContent = "内容改过了，可以重新“分析”。";
    }
  });

  const needText = () => {
    if (text.value.trim()) {
      text.removeAttribute("aria-invalid");
      return true;
    }
    text.setAttribute("aria-invalid", "true");
    showError(error, "请先填写来电内容。");
    text.focus();
    return false;
  };

  analyse.addEventListener("click", async () => {
    showError(error, null);
    if (!needText()) return;
    analyse.disabled = true;
    analyse.textContent = "分析中…";
    try {
      const result = await api("POST", "/api/triage", { text: text.value });
      analysedText = text.value;
      renderSuggestion(result || {});
      $("n-analyse-hint").textContent = "建议仅供参考，派单时可以调整部门。";
    } catch (err) {
      showError(error, err);
    } finally {
      analyse.disabled = false;
      analyse.textContent = "分析";
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    if (!needText()) return;
    const body = { text: text.value };
    for (const name of OPTIONAL) {
      const v = $("n-" + name).value.trim();
      if (v) body[name] = v;
    }
    submit.disabled = true;
    submit.textContent = "提交中…";
    try {
      const created = await api("POST", "/api/staff/cases", body);
      try {
        if (created.pin) sessionStorage.setItem("tuoyu.pin." + created.ticket, String(created.pin));
      } catch {
        /* storage blocked: the next page cannot show the PIN */
      }
      location.assign("/console/cases/" + encodeURIComponent(created.ticket));
    } catch (err) {
      showError(error, errorText(err));
      submit.disabled = false;
      submit.textContent = "提交工单";
    }
  });

  const open = () => {
    if (dialog.open) return;
    form.reset();
    analysedText = null;
    $("n-suggest").hidden = true;
    $("n-analyse-hint").textContent = "先“分析”看分派建议，再提交。";
    showError(error, null);
    dialog.showModal();
    text.focus();
  };
  $("new-case").addEventListener("click", open);
  return open;
}
