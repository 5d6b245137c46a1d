/**
 * The pages the federation endpoint shows in a browser: a pretend console that says where the user
 * landed (with data-testid hooks for browser tests) and an error page. All values are escaped; the
 * Destination and Issuer come from the query string.
 */

export interface ConsoleLanding {
  account: string;
  roleName: string;
  sessionName: string;
  arn: string;
  sourceIdentity: string | undefined;
  region: string;
  destination: string;
  issuer: string;
  sessionExpiresAt: string;
}

export const CONSOLE_PAGE_TITLE = "AWS Management Console (Gatehouse stand-in)";

/** The "you are in the console" page. */
export function renderConsolePage(landing: ConsoleLanding): string {
  const rows: Array<[string, string, string]> = [
    ["Account", "console-account", landing.account],
    ["Role", "console-role", landing.roleName],
    ["Session", "console-session", landing.sessionName],
    ["Signed in as", "console-arn", landing.arn],
    ["Source identity", "console-source-identity", landing.sourceIdentity ?? "(none)"],
    ["Region", "console-region", landing.region],
    ["Destination", "console-destination", landing.destination],
    ["Issuer", "console-issuer", landing.issuer],
    ["Console session ends", "console-session-expires", landing.sessionExpiresAt],
  ];
  const list = rows
    .map(
      ([label, testId, value]) =>
        `<dt>${escapeHtml(label)}</dt><dd data-testid="${testId}">${escapeHtml(value)}</dd>`,
    )
    .join("\n");
  return page(
    CONSOLE_PAGE_TITLE,
    `<h1>${escapeHtml(CONSOLE_PAGE_TITLE)}</h1>
<p>Federated sign-in succeeded. In real AWS you would now be at the destination below.</p>
<dl>
${list}
</dl>
<p><a data-testid="console-back-to-issuer" href="${escapeHtml(landing.issuer)}">Back to ${escapeHtml(landing.issuer)}</a></p>`,
  );
}

/** The federation error page; `code` is stable for tests, `message` is for people. */
export function renderFederationErrorPage(code: string, message: string): string {
  return page(
    "Sign-in failed (Gatehouse AWS stand-in)",
    `<h1>Amazon Web Services Sign-In</h1>
<p data-testid="federation-error" data-error-code="${escapeHtml(code)}">${escapeHtml(message)}</p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:48rem}dt{font-weight:600;margin-top:.5rem}dd{margin:0;word-break:break-all}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
