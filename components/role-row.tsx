"use client";

import { memo } from "react";
import { EnvironmentBadge } from "./environment-badge";
import { FavoriteStar } from "./favorite-star";
import { durationCapReason, formatDuration } from "./format-duration";
import { ROW_HEIGHT, type LayoutRow } from "./role-list-layout";
import { NameText } from "./name-text";
import { formatUtc, formatUtcShort } from "./utc-time";

const TEST_IDS = { account: "role", favorite: "favorite-role", recent: "recent-role" } as const;

export interface RoleRowHandlers {
  onSelect(row: LayoutRow): void;
  onToggleFavorite(row: LayoutRow): void;
  onConsole(row: LayoutRow): void;
  onConsoleMenu(row: LayoutRow, anchor: HTMLElement): void;
  onCli(row: LayoutRow): void;
}

/**
 * One role, exactly ROW_HEIGHT tall (the windowed list relies on it): star, names on one line each
 * (truncated, full text in the tooltip), the longest session, Console (with its options menu) and
 * CLI credentials. In Favorites and Recently used the second line names the account instead; on a
 * phone only its name and environment fit there (alias, id and "used …" are in the tooltip), and
 * the name keeps at least a few letters. In an account's card on a phone, where the buttons leave
 * the names about ten letters and a phone has no tooltips, the role's name may take both lines
 * and its description gives way: the name is what one picks a role by.
 *
 * Every row has the same visible button texts, so each button's accessible name adds the account
 * and role after its visible text ("Console: acme-production / ReadOnly"): a screen reader's list
 * of buttons tells the rows apart, and voice control still finds a button by what it shows.
 *
 * From `lg` up the toasts sit over the names column, clear of the buttons (toast-stack.tsx, 64 px
 * in and 31rem wide): the column starts 57 px into the card (border, padding, star, gap) and ends
 * 405 px before its right edge (the fixed session and button columns), so from 1024 px up it runs
 * at least from 57 to 572 px.
 */
export const RoleRow = memo(function RoleRow({
  row,
  top,
  isFirst,
  isHighlighted,
  isFavorite,
  isOpening,
  lastUsedLabel,
  serverNow,
  handlers,
}: {
  row: LayoutRow;
  /** Offset within the card. */
  top: number;
  isFirst: boolean;
  isHighlighted: boolean;
  isFavorite: boolean;
  isOpening: boolean;
  lastUsedLabel: string | null;
  /** The server's clock at render: the access-ends badge shows a time alone only for today. */
  serverNow: string;
  handlers: RoleRowHandlers;
}) {
  const { role, account, context } = row;
  const label = `${account.name} / ${role.roleName}`;
  const alias = account.alias && account.alias !== account.name ? account.alias : null;
  const accountLabel = alias ? `${account.name} (${alias})` : account.name;
  return (
    <div
      className={`absolute inset-x-0 flex items-center gap-1.5 px-4 sm:gap-3 ${isFirst ? "" : "border-t border-slate-100"} ${
        isHighlighted ? "bg-indigo-50 shadow-[inset_3px_0_0_var(--color-indigo-500)]" : "bg-white"
      }`}
      style={{ top, height: ROW_HEIGHT }}
      data-testid={TEST_IDS[context]}
      data-role-id={role.roleId}
      data-highlighted={isHighlighted ? "true" : undefined}
      aria-current={isHighlighted ? "true" : undefined}
      onClick={(e) => {
        if (!(e.target as Element).closest("button, a, input, select")) handlers.onSelect(row);
      }}
    >
      <FavoriteStar
        isFavorite={isFavorite}
        roleLabel={label}
        onToggle={() => handlers.onToggleFavorite(row)}
      />
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 items-center gap-2 leading-5">
          <span
            className={`min-w-12 truncate font-medium ${context === "account" ? "max-sm:line-clamp-2 max-sm:wrap-anywhere max-sm:whitespace-normal" : ""}`}
            data-testid="role-name"
            title={role.roleName}
          >
            <NameText name={role.roleName} />
          </span>
          {role.needsMfa && (
            <span
              className="shrink-0 rounded bg-violet-100 px-1.5 text-[11px] font-medium text-violet-800"
              title="Your access to this role requires a multi-factor sign-in: opening it asks your identity provider for MFA first."
              data-testid="role-needs-mfa"
            >
              MFA
            </span>
          )}
          {role.accessEndsAt && (
            <span
              className="shrink-0 rounded bg-emerald-100 px-1.5 text-[11px] font-medium text-emerald-800"
              title={`${role.viaRequest ? "Granted by an approved request" : "Time-bound access"}: it ends ${formatUtc(role.accessEndsAt)}, and no session lasts beyond it.`}
              data-testid="role-access-ends"
            >
              {/* The span's title says when in full; a nested title would hide it. */}
              until{" "}
              <time dateTime={role.accessEndsAt}>
                {formatUtcShort(role.accessEndsAt, serverNow)}
              </time>
            </span>
          )}
          {!role.allowConsole && (
            <span className="shrink-0 rounded bg-slate-100 px-1.5 text-[11px] font-medium text-slate-600">
              CLI only
            </span>
          )}
          {!role.allowCli && (
            <span className="shrink-0 rounded bg-slate-100 px-1.5 text-[11px] font-medium text-slate-600">
              console only
            </span>
          )}
        </p>
        {context === "account" ? (
          <p
            className="truncate text-sm leading-5 text-slate-500 max-sm:hidden"
            title={role.description}
          >
            {role.description || "\u00a0"}
          </p>
        ) : (
          <p
            className="flex min-w-0 items-center gap-2 overflow-hidden text-sm leading-5 text-slate-500"
            title={[accountLabel, account.accountId, lastUsedLabel && `used ${lastUsedLabel}`]
              .filter(Boolean)
              .join(" · ")}
          >
            <span className="min-w-12 truncate" data-testid="role-account">
              {account.name}
              {alias && <span className="hidden sm:inline"> ({alias})</span>}
            </span>
            <code className="hidden shrink-0 font-mono text-xs text-slate-500 sm:inline">
              {account.accountId}
            </code>
            <EnvironmentBadge environment={account.environment} />
            {lastUsedLabel && (
              <span
                className="hidden shrink-0 text-xs text-slate-500 sm:inline"
                data-testid="last-used"
              >
                · used {lastUsedLabel}
              </span>
            )}
          </p>
        )}
      </div>
      <span
        className="hidden w-20 shrink-0 text-right text-xs text-slate-500 sm:block"
        title={durationCapReason(role.duration)}
      >
        up to {formatDuration(role.duration.maxSeconds)}
      </span>
      {/* Fixed widths line the buttons up from row to row; a phone has no room for them. */}
      <div className="flex shrink-0 justify-end sm:w-[8.5rem]">
        {role.allowConsole && (
          <div className="inline-flex rounded-md shadow-sm">
            <button
              type="button"
              onClick={() => handlers.onConsole(row)}
              disabled={isOpening}
              aria-label={`${isOpening ? "Opening console" : "Console"}: ${label}`}
              className="rounded-l-md bg-indigo-600 px-2.5 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60 sm:px-3"
            >
              {isOpening ? "Opening…" : "Console"}
            </button>
            <button
              type="button"
              onClick={(e) => handlers.onConsoleMenu(row, e.currentTarget)}
              aria-label={`Console options for ${label}`}
              aria-haspopup="dialog"
              title="Destination, session length, copy link…"
              className="rounded-r-md border-l border-indigo-500 bg-indigo-600 px-1.5 text-white hover:bg-indigo-500"
              data-testid="console-options-button"
            >
              <svg viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor" aria-hidden>
                <path d="M5.2 7.2a.75.75 0 0 1 1.06 0L10 10.94l3.74-3.74a.75.75 0 1 1 1.06 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0L5.2 8.26a.75.75 0 0 1 0-1.06z" />
              </svg>
            </button>
          </div>
        )}
      </div>
      <div className="flex shrink-0 justify-end sm:w-[8.5rem]">
        {role.allowCli && (
          <button
            type="button"
            onClick={() => handlers.onCli(row)}
            aria-label={`CLI credentials: ${label}`}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 sm:px-3"
          >
            <span className="sm:hidden">CLI</span>
            <span className="hidden sm:inline">CLI credentials</span>
          </button>
        )}
      </div>
    </div>
  );
});
