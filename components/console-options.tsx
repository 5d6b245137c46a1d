"use client";

import { useEffect, useId, useRef, useState } from "react";
import { createPortal } from "react-dom";
import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { acceptedDestinationsHint, consoleDestination } from "@/lib/aws/console-destinations";
import { CONSOLE_SERVICES } from "@/lib/aws/console-services";
import type { ConsoleRequest } from "./console-actions";
import { CopyFeedback, useConsoleShare } from "./console-share";
import { DurationPicker } from "./duration-picker";
import { usePopupFocus } from "./use-popup-focus";
import { useConsoleDestination, useRoleDuration } from "./use-role-preferences";

const PANEL_WIDTH = 404;
const CUSTOM = "__custom__";
const SERVICE_IDS = new Set(CONSOLE_SERVICES.map((s) => s.id));

/**
 * The Console button's menu: where the console opens (a common service, or a console path/URL
 * typed in; remembered), the session length (bounded by the role, with the reason), and two ways to
 * share: a deep link into the portal (safe to paste anywhere: it still signs the reader in as
 * themselves), and the one-time federation sign-in URL (a secret, copied only, never kept).
 */
export function ConsoleOptions({
  account,
  role,
  region,
  anchor,
  onOpenConsole,
  onIssued,
  onClose,
}: {
  account: AccountView;
  role: RoleView;
  region: string;
  anchor: HTMLElement;
  onOpenConsole: (request: ConsoleRequest) => void;
  onIssued: () => void;
  onClose: () => void;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const firstField = useRef<HTMLSelectElement>(null);
  // Placed once, under the button, in page coordinates: the menu scrolls with the page.
  const [position] = useState(() => positionBelow(anchor));
  const [destination, setDestination] = useConsoleDestination();
  const [duration, setDuration] = useRoleDuration(role.roleId, role.duration);
  const [isCustom, setIsCustom] = useState(
    () => destination !== "" && !SERVICE_IDS.has(destination),
  );
  const selectId = useId();
  const customId = useId();
  const errorId = useId();

  useEffect(() => firstField.current?.focus(), []);
  const focus = usePopupFocus(panel, anchor, onClose);

  const check = consoleDestination(region, destination || undefined);
  const request: ConsoleRequest = {
    region,
    ...(duration !== null ? { durationSeconds: duration } : {}),
    ...(destination ? { destination } : {}),
  };
  const { copy, setCopy, copyLink, copySignInUrl } = useConsoleShare({
    account,
    role,
    request,
    onIssued,
  });

  return createPortal(
    <div
      ref={panel}
      role="dialog"
      aria-label={`Console options for ${account.name} / ${role.roleName}`}
      className="absolute z-40 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-xl"
      style={{ top: position.top, left: position.left, width: position.width }}
      data-testid="console-options"
      onKeyDown={focus.onKeyDown}
      onBlur={focus.onBlur}
    >
      <p className="font-semibold text-slate-900">Console options</p>
      <p className="text-xs wrap-anywhere text-slate-500">
        {account.name} / {role.roleName} · region {region}
      </p>

      <label htmlFor={selectId} className="mt-3 block text-xs font-medium text-slate-700">
        Open at
      </label>
      <select
        id={selectId}
        ref={firstField}
        value={isCustom ? CUSTOM : destination}
        onChange={(e) => {
          const value = e.target.value;
          setCopy({ kind: "idle" });
          if (value === CUSTOM) {
            setIsCustom(true);
            if (SERVICE_IDS.has(destination)) setDestination("");
            return;
          }
          setIsCustom(false);
          setDestination(value);
        }}
        className="mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-slate-900"
        data-testid="destination-select"
      >
        <option value="">Console home</option>
        {CONSOLE_SERVICES.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
        <option value={CUSTOM}>Other: a console path or URL…</option>
      </select>
      {isCustom && (
        <div className="mt-2">
          <label htmlFor={customId} className="sr-only">
            Console path or URL
          </label>
          <input
            id={customId}
            value={destination}
            onChange={(e) => {
              setCopy({ kind: "idle" });
              setDestination(e.target.value.trim());
            }}
            placeholder="/ec2/home#Instances: or https://…console.aws.amazon.com/…"
            aria-invalid={!check.ok}
            aria-describedby={check.ok ? undefined : errorId}
            spellCheck={false}
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
            data-testid="destination-input"
          />
        </div>
      )}
      {check.ok && check.region !== undefined && check.region !== region && (
        <p className="mt-1 text-xs text-slate-600" data-testid="destination-region">
          Opens in {check.region}: the region this destination names.
        </p>
      )}
      {!check.ok && (
        <div id={errorId} className="mt-1 text-xs" data-testid="destination-error">
          <p className="text-red-700">Can&apos;t open this: {check.message}.</p>
          <p className="mt-0.5 text-slate-600">{acceptedDestinationsHint(region)}</p>
        </div>
      )}

      <div className="mt-3">
        <DurationPicker bounds={role.duration} value={duration} onChange={setDuration} />
      </div>

      <div className="mt-4 flex flex-wrap gap-2">
        <button
          type="button"
          disabled={!check.ok}
          onClick={() => {
            onOpenConsole(request);
            onClose();
          }}
          className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          Open console
        </button>
        <button
          type="button"
          disabled={!check.ok}
          onClick={() => void copyLink()}
          className="rounded-md border border-slate-300 px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50"
          title="A link to this role in Gatehouse: whoever opens it signs in as themselves"
        >
          Copy link
        </button>
        <button
          type="button"
          // Busy, not disabled, while the URL is requested: disabling the focused button would drop
          // a keyboard user's focus onto the page, out of this menu.
          disabled={!check.ok}
          aria-disabled={copy.kind === "signin-loading"}
          onClick={() => {
            if (copy.kind !== "signin-loading") void copySignInUrl();
          }}
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 font-medium text-amber-900 hover:bg-amber-100 disabled:opacity-50 aria-disabled:opacity-50"
          title="The one-time AWS sign-in URL: a secret, valid about 15 minutes"
        >
          {copy.kind === "signin-loading" ? "Requesting…" : "Copy sign-in URL"}
        </button>
      </div>

      <CopyFeedback state={copy} />
    </div>,
    document.body,
  );
}

/** Below the anchor, right-aligned with it, inside the window — as wide as a phone allows. */
function positionBelow(anchor: HTMLElement): { top: number; left: number; width: number } {
  const rect = anchor.getBoundingClientRect();
  const viewportWidth = document.documentElement.clientWidth;
  const width = Math.min(PANEL_WIDTH, viewportWidth - 16);
  const left = Math.max(8, Math.min(rect.right - width, viewportWidth - width - 8));
  return { top: rect.bottom + window.scrollY + 6, left: left + window.scrollX, width };
}
