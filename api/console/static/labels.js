/* Chinese labels for the API's codes (states, urgency, kinds, roles, SLA, channels, actions, facts). */

export const STATES = ["待派单", "已派单", "已签收", "办理中", "已办结", "已回访", "退回", "延期", "重办"];
export const REASONS = { 退回: "退回理由", 延期: "延期理由", 重办: "重办理由" };
export const URGENCY = { urgent: "紧急", normal: "一般" };
export const KINDS = { complaint: "投诉", handoff: "转人工留言" };
export const ROLES = { hotline: "热线坐席", department: "部门经办", admin: "管理员" };
export const SLA = { green: "时限内", yellow: "即将到期", red: "已超期", none: "无时限" };
export const CHANNELS = { web: "网页", wechat: "微信", phone: "电话", api: "接口" };
export const ACTIONS = {
  filed: "登记", create: "登记", assign: "派单", reassign: "改派", recall: "撤回", reopen: "重办", urge: "催办", accept: "签收", start: "开始办理", resolve: "办结",
  return: "退回", request_extension: "申请延期", approve_extension: "批准延期",
  reject_extension: "驳回延期", follow_up: "回访", note: "备注", triage_override: "调整分派建议",
  contact_viewed: "查看案件（含联系方式）", contact_revealed: "查看联系方式", contact_exported: "导出联系方式",
};
export const FACTS = { institution: "机构", place: "地点", amount: "金额", when: "时间", child_age: "孩子年龄" };
