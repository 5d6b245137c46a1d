import { type PortalAccount, isCliUsable } from "./api-types";
import { printable } from "./portal-client";

/** `gatehouse ls`: one row per role, columns padded to the widest cell. */
export function rolesTable(accounts: readonly PortalAccount[]): string {
  const header = ["ACCOUNT", "ACCOUNT ID", "ENVIRONMENT", "ROLE", "MAX SESSION", "ACCESS", "MFA"];
  const rows = accounts.flatMap((account) =>
    account.roles.map((role) => [
      cell(account.name),
      account.accountId,
      cell(account.environment ?? "") || "-",
      cell(role.roleName),
      formatSeconds(role.duration.maxSeconds),
      [role.allowConsole && "console", isCliUsable(role) && "cli"].filter(Boolean).join("+") || "-",
      role.needsMfa ? "yes" : "no",
    ]),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** 3600 → `1h`, 5400 → `1h30m`, 900 → `15m`. */
export function formatSeconds(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours === 0) return `${minutes}m`;
  return minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
}

/** `in 11h 58m`, `expired 3m ago`. */
export function formatRemaining(milliseconds: number): string {
  const minutes = Math.round(Math.abs(milliseconds) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
  return milliseconds >= 0 ? `in ${text}` : `expired ${text} ago`;
}

function cell(text: string): string {
  return printable(text).trim();
}
