/* Case actions: one button per allowed action; each opens the small form that action needs, then POSTs it. */
import { ApiError, api, clear, departments, el, errorText, showError } from "./common.js";

/** What each action asks for; anything unknown gets an optional note. */
const NEEDS = {
  assign: { departments: true, note: "optional", noteLabel: "派单说明（可不填）" },
  reassign: { departments: "fresh", note: "required", noteLabel: "改派理由" },
  recall: { note: "required", noteLabel: "撤回理由" },
  accept: { note: "optional", noteLabel: "备注（可不填）" },
  start: { note: "optional", noteLabel: "备注（可不填）" },
  resolve: { result: true, note: "optional", noteLabel: "内部备注（家属看不到，可不填）" },
  return: { note: "required", noteLabel: "退回理由" },
  request_extension: { note: "required", noteLabel: "延期理由", days: true },
  approve_extension: { note: "optional", noteLabel: "备注（可不填）" },
  reject_extension: { note: "required", noteLabel: "驳回理由" },
  follow_up: { satisfaction: true, note: "optional", noteLabel: "回访记录（可不填）" },
  reopen: { satisfaction: "dissatisfied", note: "required", noteLabel: "家属的不满意见（重办理由）" },
  urge: { note: "optional", noteLabel: "催办内容（可不填）" },
  note: { note: "required", noteLabel: "备注内容" },
};
const SATISFACTION = ["非常不满意", "不满意", "一般", "满意", "非常满意"];

let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

/** Suggested departments, lead first (from triage; falls back to the case's current ones). */
function suggestion(detail) {
  const list = ((detail.triage && detail.triage.departments) || []).filter((d) => d && d.name);
  const lead = list.find((d) => d.role === "lead");
  const names = list.map((d) => d.name);
  if (lead) {
    names.splice(names.indexOf(lead.name), 1);
    names.unshift(lead.name);
  }
  return names.length ? names : (detail.departments || []).slice();
}

/** Checkbox list of every department plus a "主办" select limited to the ticked ones. */
async function buildDeptPicker(form, detail, fresh) {
  const all = await departments();
  const suggested = fresh ? [] : suggestion(detail);
  const names = [...suggested, ...all.filter((n) => !suggested.includes(n))];
  const fieldset = el("fieldset", "field plain-fieldset");
  const legend = el("legend", "field__label", fresh ? "改派至（选择新的部门，现主办：" + (detail.lead_department || "—") + "）" : "派往部门（已按分析建议预选，可调整）");
  const box = el("div", "dept-picker");
  box.id = "assign-departments";
  const leadId = nextId("lead");
  const leadField = el("div", "field mt");
  const leadLabel = el("label", null, "主办部门");
  leadLabel.htmlFor = leadId;
  const leadSelect = el("select");
  leadSelect.id = leadId;
  leadSelect.name = "lead";
  leadField.append(leadLabel, leadSelect);

  const boxes = [];
  const refreshLead = () => {
    const checked = boxes.filter((b) => b.checked).map((b) => b.value);
    const keep = checked.includes(leadSelect.value) ? leadSelect.value : checked[0] || "";
    clear(leadSelect);
    for (const n of checked) {
      const o = el("option", null, n);
      o.value = n;
      leadSelect.appendChild(o);
    }
    leadSelect.value = keep;
  };
  for (const name of names) {
    const label = el("label");
    const cb = el("input");
    cb.type = "checkbox";
    cb.value = name;
    cb.checked = suggested.includes(name);
    cb.addEventListener("change", refreshLead);
    boxes.push(cb);
    label.append(cb, document.createTextNode(name));
    if (suggested[0] === name) label.appendChild(el("span", "tag", "建议主办"));
    else if (suggested.includes(name)) label.appendChild(el("span", "tag", "建议协办"));
    box.appendChild(label);
  }
  refreshLead();
  leadSelect.value = suggested[0] || leadSelect.value;
  const resetBtn = el("button", "btn btn--small mt", "恢复分析建议");
  resetBtn.type = "button";
  resetBtn.addEventListener("click", () => {
    for (const b of boxes) b.checked = suggested.includes(b.value);
    refreshLead();
    leadSelect.value = suggested[0] || "";
  });
  fieldset.append(legend, box, resetBtn, leadField);
  form.appendChild(fieldset);
  /** Chosen departments, lead first, the rest in list order. */
  return () => {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    const lead = leadSelect.value;
    return lead ? [lead, ...chosen.filter((n) => n !== lead)] : chosen;
  };
}

function noteField(form, spec) {
  const id = nextId("note");
  const field = el("div", "field mt");
  const label = el("label", null, spec.noteLabel + (spec.note === "required" ? "（必填）" : ""));
  label.htmlFor = id;
  const area = el("textarea");
  area.id = id;
  area.name = "note";
  area.rows = 3;
  area.maxLength = 2000;
  if (spec.note === "required") area.required = true;
  field.append(label, area);
  form.appendChild(field);
  return area;
}

/** The 办理结果 written for the family: the lookup shows it (phone/ID numbers masked). */
function resultField(form) {
  const id = nextId("result");
  const field = el("div", "field mt");
  const label = el("label", null, "办理结果（必填，家属查询时可见）");
  label.htmlFor = id;
  const area = el("textarea");
  area.id = id;
  area.name = "result";
  area.rows = 4;
  area.maxLength = 2000;
  area.required = true;
  field.append(label, area, el("p", "hint", "请用家属看得懂的话写清处理结果，不要写人名、电话等个人信息。"));
  form.appendChild(field);
  return area;
}

function daysField(form) {
  const id = nextId("days");
  const field = el("div", "field mt");
  const label = el("label", null, "延期天数（工作日，1–30）");
  label.htmlFor = id;
  const input = el("input");
  input.type = "number";
  input.id = id;
  input.name = "extension_days";
  input.min = "1";
  input.max = "30";
  input.value = "5";
  input.required = true;
  field.append(label, input);
  form.appendChild(field);
  return input;
}

function satisfactionField(form, dissatisfiedOnly) {
  const fs = el("fieldset", "stars mt");
  fs.appendChild(el("legend", null, dissatisfiedOnly ? "家属回访满意度（必选）" : "满意度（必选，1–5）"));
  const radios = [];
  SATISFACTION.forEach((text, i) => {
    if (dissatisfiedOnly && i > 1) return;
    const label = el("label");
    const r = el("input");
    r.type = "radio";
    r.name = "satisfaction";
    r.value = String(i + 1);
    label.append(r, document.createTextNode(`${i + 1} ${text}`));
    radios.push(r);
    fs.appendChild(label);
  });
  form.appendChild(fs);
  return () => {
    const r = radios.find((x) => x.checked);
    return r ? Number(r.value) : null;
  };
}

/** Build the form for one action; resolves when it is on the page. */
async function openForm({ action, label, detail, formBox, errorBox, onDone, onConflict }) {
  const spec = NEEDS[action] || { note: "optional", noteLabel: "备注（可不填）" };
  const form = el("form", "action-form");
  form.noValidate = true;
  form.dataset.action = action;
  form.appendChild(el("h3", null, label));
  const getDepts = spec.departments ? await buildDeptPicker(form, detail, spec.departments === "fresh") : null;
  // 重办 from 已回访 uses the recorded 回访 score; from 已办结 the hotline records it now
  const askStars = spec.satisfaction === "dissatisfied" ? detail.satisfaction == null : spec.satisfaction;
  const getStars = askStars ? satisfactionField(form, spec.satisfaction === "dissatisfied") : null;
  const result = spec.result ? resultField(form) : null;
  const days = spec.days ? daysField(form) : null;
  const note = spec.note ? noteField(form, spec) : null;
  const row = el("div", "form-row");
  const submit = el("button", "btn btn--primary", "确认" + label);
  submit.type = "submit";
  const cancel = el("button", "btn", "取消");
  cancel.type = "button";
  cancel.addEventListener("click", () => { clear(formBox); showError(errorBox, null); });
  row.append(submit, cancel);
  form.appendChild(row);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorBox, null);
    const body = { action };
    if (getDepts) {
      body.departments = getDepts();
      if (!body.departments.length) return showError(errorBox, "请至少选择一个部门。");
    }
    if (result) {
      const v = result.value.trim();
      if (!v) {
        result.setAttribute("aria-invalid", "true");
        result.focus();
        return showError(errorBox, "请填写办理结果（会告知家属）。");
      }
      body.result = v;
    }
    if (getStars) {
      body.satisfaction = getStars();
      if (!body.satisfaction) return showError(errorBox, "请选择满意度（1–5）。");
    }
    if (days) {
      const n = Number(days.value);
      if (!Number.isInteger(n) || n < 1 || n > 30) {
        days.setAttribute("aria-invalid", "true");
        days.focus();
        return showError(errorBox, "延期天数要在 1 到 30 之间。");
      }
      body.extension_days = n;
    }
    if (note) {
      const v = note.value.trim();
      if (spec.note === "required" && !v) {
        note.setAttribute("aria-invalid", "true");
        note.focus();
        return showError(errorBox, `请填写${spec.noteLabel}。`);
      }
      if (v) body.note = v;
    }
    submit.disabled = true;
    try {
      const updated = await api("POST", `/api/staff/cases/${encodeURIComponent(detail.ticket)}/actions`, body);
      clear(formBox);
      onDone(updated, label);
    } catch (err) {
      showError(errorBox, errorText(err));
      submit.disabled = false;
      if (err instanceof ApiError && (err.status === 409 || err.status === 403)) onConflict();
    }
  });
  clear(formBox).appendChild(form);
  const first = form.querySelector("input:not([type=hidden]), textarea, select");
  (first || submit).focus();
}

/** Buttons for the actions this user may take now (from `allowed_actions`). */
export function renderActions({ detail, actionsBox, formBox, errorBox, onDone, onConflict }) {
  clear(actionsBox);
  clear(formBox);
  const allowed = (detail.allowed_actions || []).filter((a) => a && a.action);
  if (!allowed.length) {
    actionsBox.appendChild(el("p", "hint", "当前没有可执行的操作。"));
    return;
  }
  for (const { action, label } of allowed) {
    const btn = el("button", action === "note" ? "btn" : "btn btn--primary", label || action);
    btn.type = "button";
    btn.dataset.action = action;
    btn.setAttribute("aria-controls", formBox.id);
    btn.addEventListener("click", () => {
      showError(errorBox, null);
      openForm({ action, label: label || action, detail, formBox, errorBox, onDone, onConflict })
        .catch((err) => showError(errorBox, err));
    });
    actionsBox.appendChild(btn);
  }
}
