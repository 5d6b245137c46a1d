import type { ServerResponse } from "node:http";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes a value for use in HTML text and double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
    font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f5;color:#1c2430}
  main{width:100%;max-width:360px;margin:24px;padding:28px 28px 20px;background:#fff;border-radius:10px;
    box-shadow:0 1px 3px rgba(0,0,0,.12),0 8px 24px rgba(0,0,0,.06)}
  h1{margin:0 0 4px;font-size:20px}
  .sub{margin:0 0 20px;color:#5b6675;font-size:13px}
  label{display:block;margin:12px 0 4px;font-weight:600;font-size:13px}
  input{width:100%;padding:9px 10px;border:1px solid #c4ccd6;border-radius:6px;font:inherit}
  input:focus{outline:2px solid #2f6fdf;outline-offset:-1px}
  button{width:100%;margin-top:18px;padding:10px;border:0;border-radius:6px;background:#2f6fdf;color:#fff;
    font:inherit;font-weight:600;cursor:pointer}
  button.secondary{background:#e3e8ef;color:#1c2430;margin-top:8px}
  .error{margin:0 0 8px;padding:8px 10px;border-radius:6px;background:#fdecec;color:#a11a1a;font-size:13px}
  .note{margin:18px 0 0;color:#5b6675;font-size:12px}
  .links{margin:12px 0 0;font-size:13px;text-align:center}
  a{color:#2f6fdf}
  code{font-size:12px}
`;

/** Wraps already-escaped body markup in the IdP's page layout; `title` is escaped here. */
export function renderPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${bodyHtml}
</main>
</body>
</html>`;
}

/**
 * Headers for every page the IdP renders itself: never cached (they carry per-request state), never
 * framed (a framed login form is a clickjacking target), no scripts. `form-action` is left unset on
 * purpose: Chromium applies it to the redirects that follow a form post, and the login post ends in a
 * redirect to the client's redirect_uri on another origin.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  Pragma: "no-cache",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
};

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, "Content-Length": Buffer.byteLength(html) });
  res.end(html);
}
