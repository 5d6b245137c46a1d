"use client";

import { useEffect, useId, useRef, useState } from "react";
import { useLatest } from "./use-latest";
import type { DurationBoundsView } from "@/lib/access/group-by-account";
import { checkProfileName } from "@/lib/aws/profile-name";
import { postJson, type ApiErrorView } from "./api-client";
import { CopyButton } from "./copy-button";
import { DurationPicker } from "./duration-picker";
import { ErrorNotice } from "./error-notice";
import { formatDuration } from "./format-duration";
import { keepAccountsAction } from "./kept-accounts-action";
import { rememberIntent } from "./resume-intent";
import { withAccessChangedHint } from "./issuance-error";
import { UtcTime } from "./utc-time";
import {
  CredentialProcessWiring,
  download,
  fileNameFor,
  formatRemaining,
  TABS,
  type Format,
} from "./credential-tabs";
import { FormatTabs, usePreferredFormat } from "./format-tabs";
import { useRoleDuration } from "./use-role-preferences";
import { useRoleProfileName } from "./use-role-profile-name";

interface IssuedCredentials {
  accessKeyId: string;
  expiration: string;
  durationSeconds: number;
  region: string;
  profileName: string;
  formats: Record<Format, string>;
}

interface IssueRequest {
  durationSeconds: number | null;
  profileName: string;
  /** Bumped by "Apply": every click is a new issuance (audited), never a cached answer. */
  attempt: number;
}

/**
 * Issues credentials when opened (one issuance per open or "Apply", audited server-side) and shows
 * them with a live countdown to the Expiration STS returned. The session length and the profile
 * name are this role's remembered choices; changing them and pressing Apply issues anew, since the
 * formats (and the expiry) come from the server. Credentials that expire while the dialog is open
 * are renewed with the same button (then "Renew"), without closing and reopening it.
 */
export function CredentialsDialog({
  roleId,
  title,
  region,
  bounds,
  returnTo,
  onIssued,
  onClose,
}: {
  roleId: string;
  title: string;
  region: string;
  bounds: DurationBoundsView;
  /**
   * Where to continue if the browser must first leave (the IdP's AWS app, an MFA step-up): a
   * portal path that reopens this dialog, remembered as this tab's intent.
   */
  returnTo?: string;
  onIssued?: () => void;
  onClose: () => void;
}) {
  const [storedDuration, setStoredDuration] = useRoleDuration(roleId, bounds);
  const [storedProfile, setStoredProfile] = useRoleProfileName(roleId);
  const [request, setRequest] = useState<IssueRequest>(() => ({
    durationSeconds: storedDuration,
    profileName: storedProfile,
    attempt: 0,
  }));
  const [draftDuration, setDraftDuration] = useState<number | null>(storedDuration);
  const [draftProfile, setDraftProfile] = useState<string | null>(null);
  const [issued, setIssued] = useState<IssuedCredentials | null>(null);
  const [error, setError] = useState<ApiErrorView | null>(null);
  const [tab, chooseTab] = usePreferredFormat();
  const [now, setNow] = useState(() => Date.now());
  const dialog = useRef<HTMLDialogElement>(null);
  const profileId = useId();
  const onIssuedRef = useLatest(onIssued);

  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => {
    let cancelled = false;
    void postJson<IssuedCredentials>(
      `/api/roles/${encodeURIComponent(roleId)}/credentials`,
      {
        region,
        ...(request.durationSeconds !== null ? { durationSeconds: request.durationSeconds } : {}),
        ...(request.profileName ? { profileName: request.profileName } : {}),
        ...(returnTo ? { returnTo } : {}),
      },
      () => keepAccountsAction({ kind: "credentials", roleId }),
    ).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setIssued(result.data);
        onIssuedRef.current?.();
      } else if (result.error.nextUrl) {
        if (returnTo) rememberIntent(returnTo);
        window.location.assign(result.error.nextUrl);
      } else setError(withAccessChangedHint(result.error));
    });
    return () => {
      cancelled = true;
    };
  }, [roleId, region, request, returnTo, onIssuedRef]);

  const current = TABS.find((t) => t.format === tab) ?? TABS[0]!;
  const text = issued?.formats[tab] ?? "";
  const expiresAt = issued ? new Date(issued.expiration) : null;
  const remaining = expiresAt ? Math.max(0, Math.round((expiresAt.getTime() - now) / 1000)) : 0;
  const profileShown = draftProfile ?? (request.profileName || issued?.profileName || "");
  const profileCheck =
    profileShown === "" ? ({ ok: true } as const) : checkProfileName(profileShown);
  const isChanged =
    draftDuration !== request.durationSeconds ||
    (draftProfile !== null && draftProfile !== (request.profileName || issued?.profileName || ""));
  const isBusy = !issued && !error;
  /** Expired while the dialog stayed open: the same settings issue anew ("Renew"). */
  const isExpired = expiresAt !== null && remaining === 0;
  const isRenewal = isExpired && !isChanged;

  function apply() {
    if (!profileCheck.ok) return;
    const profileName = draftProfile ?? request.profileName;
    setStoredDuration(draftDuration);
    setStoredProfile(profileName);
    setDraftProfile(null);
    setIssued(null);
    setError(null);
    setRequest((prev) => ({
      durationSeconds: draftDuration,
      profileName,
      attempt: prev.attempt + 1,
    }));
  }

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      className="m-auto w-full max-w-3xl rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      aria-labelledby="credentials-title"
      data-testid="credentials-dialog"
    >
      <div className="flex items-start justify-between border-b border-slate-100 px-6 py-4">
        <div>
          <h2 id="credentials-title" className="text-lg font-semibold">
            CLI credentials
          </h2>
          <p className="text-sm text-slate-600">{title}</p>
        </div>
        <button
          type="button"
          onClick={() => dialog.current?.close()}
          className="text-2xl leading-none text-slate-500 hover:text-slate-700"
          aria-label="Close"
        >
          ×
        </button>
      </div>
      <div className="px-6 py-4">
        <form
          className="grid grid-cols-1 gap-3 rounded-lg bg-slate-50 p-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
          data-testid="credentials-options"
        >
          <DurationPicker
            bounds={bounds}
            value={draftDuration}
            onChange={(seconds) => setDraftDuration(seconds)}
          />
          <div>
            <label htmlFor={profileId} className="block text-xs font-medium text-slate-700">
              Profile name
            </label>
            <input
              id={profileId}
              value={profileShown}
              onChange={(e) => setDraftProfile(e.target.value)}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={!profileCheck.ok}
              aria-describedby={`${profileId}-hint`}
              className={`mt-1 w-full rounded-md border px-2 py-1.5 font-mono text-sm ${
                profileCheck.ok ? "border-slate-300" : "border-red-400 bg-red-50"
              }`}
              data-testid="profile-name"
            />
            <p
              id={`${profileId}-hint`}
              className={`mt-1 text-xs ${profileCheck.ok ? "text-slate-500" : "text-red-700"}`}
              data-testid="profile-name-hint"
            >
              {profileCheck.ok
                ? "Used in the credentials file and file names."
                : profileCheck.message}
            </p>
          </div>
          <button
            type="submit"
            disabled={(!isChanged && !isRenewal) || !profileCheck.ok || isBusy}
            className="mt-5 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
            title="Issues new credentials with these settings"
          >
            {isRenewal ? "Renew" : "Apply"}
          </button>
        </form>

        <div className="mt-4">
          {error && <ErrorNotice error={error} />}
          {isBusy && <p className="text-slate-500">Requesting credentials from AWS…</p>}
        </div>
        {issued && expiresAt && (
          <>
            <p className="text-sm text-slate-700" data-testid="credentials-expiry">
              Expires <UtcTime value={issued.expiration} />{" "}
              <span
                className={remaining < 300 ? "font-medium text-red-700" : "text-slate-500"}
                data-testid="credentials-countdown"
              >
                ({remaining === 0 ? "expired" : `in ${formatRemaining(remaining)}`})
              </span>
              <span className="text-slate-500">
                {" "}
                · {formatDuration(issued.durationSeconds)} session · region {issued.region} · key{" "}
                {issued.accessKeyId}
              </span>
            </p>
            <FormatTabs tab={tab} onChoose={chooseTab}>
              <div className="mt-3 flex items-center justify-between gap-3">
                <p className="text-sm text-slate-600">{current.hint}</p>
                <div className="flex gap-2">
                  <CopyButton text={text} />
                  <button
                    type="button"
                    onClick={() => download(fileNameFor(tab, issued.profileName), text)}
                    className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
                  >
                    Download
                  </button>
                </div>
              </div>
              {tab === "credential-process" && (
                <CredentialProcessWiring
                  profile={issued.profileName}
                  fileName={fileNameFor(tab, issued.profileName)}
                  region={issued.region}
                />
              )}
              <pre
                className="mt-2 max-h-72 overflow-auto rounded-lg bg-slate-900 p-4 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100"
                data-testid="credentials-text"
                data-format={tab}
              >
                {text}
              </pre>
            </FormatTabs>
            <p className="mt-3 text-xs text-slate-500">
              These credentials are yours alone: don&apos;t paste them into tickets or chat. Every
              issuance is recorded in the audit log.
            </p>
          </>
        )}
      </div>
    </dialog>
  );
}
