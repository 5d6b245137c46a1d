import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";

import { escapeHtml, PAGE_HEADERS, renderPage } from "../oidc-idp/html";

export { escapeHtml, renderPage };

const FORM_ID = "saml-post";
const AUTO_SUBMIT_SCRIPT = `document.getElementById("${FORM_ID}").submit();`;
const AUTO_SUBMIT_HASH = createHash("sha256").update(AUTO_SUBMIT_SCRIPT).digest("base64");

/**
 * Headers of the page that posts a SAMLResponse: the OIDC IdP's page headers, except that the one
 * inline script (the auto-submit) is allowed by its hash, and the Referrer-Policy sends this IdP's
 * origin so the cross-origin POST arrives with an `Origin` header, as from a real IdP, instead of
 * `Origin: null`. `form-action` stays unset: browsers apply it to the redirect the ACS answers with.
 */
export const AUTO_POST_HEADERS: Readonly<Record<string, string>> = {
  ...PAGE_HEADERS,
  "Referrer-Policy": "origin",
  "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${AUTO_SUBMIT_HASH}'; frame-ancestors 'none'; base-uri 'none'`,
};

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Readonly<Record<string, string>> = PAGE_HEADERS,
): void {
  res.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(html) });
  res.end(html);
}

export interface AutoPostPageOptions {
  title: string;
  appName: string;
  acsUrl: string;
  samlResponse: string;
  relayState?: string;
}

/** The HTTP-POST binding: a form that submits itself, with a Continue button for browsers without script. */
export function renderAutoPostPage(options: AutoPostPageOptions): string {
  const { title, appName, acsUrl, samlResponse, relayState } = options;
  const relayInput =
    relayState === undefined
      ? ""
      : `\n<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">`;
  return renderPage(
    `Signing in - ${title}`,
    `<h1>Signing you in…</h1>
<p class="sub">Continuing to <strong>${escapeHtml(appName)}</strong></p>
<form id="${FORM_ID}" method="post" action="${escapeHtml(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">${relayInput}
<button type="submit">Continue</button>
</form>
<script>${AUTO_SUBMIT_SCRIPT}</script>`,
  );
}

export interface DashboardApp {
  id: string;
  name: string;
}

export function renderDashboard(
  title: string,
  userName: string,
  apps: readonly DashboardApp[],
): string {
  const list = apps.length
    ? `<ul>${apps
        .map(
          (app) =>
            `<li><a href="/saml/start/${encodeURIComponent(app.id)}">${escapeHtml(app.name)}</a></li>`,
        )
        .join("")}</ul>`
    : `<p>No applications can be started from here.</p>`;
  return renderPage(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="sub">Signed in as <strong>${escapeHtml(userName)}</strong></p>
<h2>Your applications</h2>
${list}
<form method="post" action="/logout"><button type="submit" class="secondary">Sign out</button></form>`,
  );
}

export function renderMessagePage(
  title: string,
  heading: string,
  message: string,
  isError: boolean,
): string {
  const body = isError
    ? `<p class="error" role="alert">${escapeHtml(message)}</p>`
    : `<p>${escapeHtml(message)}</p>`;
  return renderPage(
    `${heading} - ${title}`,
    `<h1>${escapeHtml(heading)}</h1>
<p class="sub">${escapeHtml(title)}</p>
${body}`,
  );
}
