// The fields the admin rule form posts, as a browser sends them for a standing group rule: tests
// that create rules through the real server action spread their changes over it.

export const RULE_FORM = {
  subjectKind: "group",
  groupName: "developers",
  userEmail: "",
  maxSessionDurationSeconds: "3600",
  allowConsole: "on",
  allowCli: "on",
  expiresAt: "",
  sessionPolicy: "",
  description: "",
  access: "standing",
  approvers: "",
  approvalsRequired: "1",
  maxElevationSeconds: "3600",
  requireReason: "",
  requireTicket: "",
  breakGlass: "",
  webhookUrl: "",
};
