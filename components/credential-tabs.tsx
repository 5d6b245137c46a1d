"use client";

import { credentialProcessConfig } from "./credential-process-config";

/**
 * The formats the CLI credentials dialog offers, what each tab says, and the small pieces around
 * them: the file a download gets, the credential_process wiring, the countdown text.
 */

export type Format =
  "bash" | "fish" | "powershell" | "cmd" | "credentials-file" | "credential-process";

export const TABS: ReadonlyArray<{ format: Format; label: string; hint: string }> = [
  { format: "bash", label: "bash / zsh", hint: "Paste into your terminal (macOS, Linux, WSL)." },
  { format: "fish", label: "fish", hint: "Paste into a fish shell." },
  { format: "powershell", label: "PowerShell", hint: "Paste into PowerShell." },
  { format: "cmd", label: "Windows cmd", hint: "Paste into Command Prompt." },
  {
    format: "credentials-file",
    label: "Credentials file",
    hint: "Add to ~/.aws/credentials, then use --profile.",
  },
  {
    format: "credential-process",
    label: "credential_process",
    hint: "JSON in the format the AWS CLI expects from a credential_process command: download it, then point a profile at it as below.",
  },
];

export const PREFERRED_TAB_KEY = "gatehouse.credentialsFormat";

export function guessShell(): Format {
  const saved = window.localStorage.getItem(PREFERRED_TAB_KEY);
  if (saved && TABS.some((t) => t.format === saved)) return saved as Format;
  return /Windows/i.test(navigator.userAgent) ? "powershell" : "bash";
}

export function formatRemaining(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/**
 * How to use the downloaded JSON from ~/.aws/config: the AWS CLI and SDKs run the command and read
 * its output. The file holds these credentials only until they expire; download anew after that.
 */
export function CredentialProcessWiring(props: {
  profile: string;
  fileName: string;
  region: string;
}) {
  const isWindows = typeof navigator !== "undefined" && /Windows/i.test(navigator.userAgent);
  return (
    <div className="mt-2 rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-xs text-slate-700">
      <p>
        Save the download as <code className="font-mono">~/.aws/{props.fileName}</code> and add to{" "}
        <code className="font-mono">~/.aws/config</code>:
      </p>
      <pre className="mt-1 font-mono whitespace-pre-wrap" data-testid="credential-process-wiring">
        {credentialProcessConfig({ ...props, isWindows })}
      </pre>
      <p className="mt-1 text-slate-500">
        Then{" "}
        <code className="font-mono">aws --profile {props.profile} sts get-caller-identity</code>.
        The file works until these credentials expire; download fresh ones after that.
      </p>
    </div>
  );
}

export function fileNameFor(format: Format, profile: string): string {
  const ext: Record<Format, string> = {
    bash: "sh",
    fish: "fish",
    powershell: "ps1",
    cmd: "cmd",
    "credentials-file": "ini",
    "credential-process": "json",
  };
  return `${profile}.${ext[format]}`;
}

export function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  URL.revokeObjectURL(url);
}
