import { escapeHtml, renderPage } from "./html";

export interface LoginPageOptions {
  title: string;
  /** Where the form posts: /interaction/:uid/login (the interaction cookie is scoped to that path). */
  action: string;
  abortUrl: string;
  /** The requesting client, shown so the user knows where they are signing in to. */
  clientId: string;
  usernames: readonly string[];
  /** Pre-fills the username field (from login_hint, or the previous attempt). */
  username?: string;
  error?: string;
}

/** The login form: plain server-rendered HTML, every dynamic value escaped, no script. */
export function renderLoginPage(options: LoginPageOptions): string {
  const { title, action, abortUrl, clientId, usernames, username = "", error } = options;
  const errorHtml = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "";
  const userList = usernames.map((name) => `<code>${escapeHtml(name)}</code>`).join(", ");
  return renderPage(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="sub">Sign in to continue to <strong>${escapeHtml(clientId)}</strong></p>
${errorHtml}
<form method="post" action="${escapeHtml(action)}" autocomplete="on">
<label for="username">Username</label>
<input id="username" name="username" type="text" value="${escapeHtml(username)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${username ? "" : " autofocus"}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? " autofocus" : ""}>
<button type="submit">Sign in</button>
</form>
<p class="links"><a href="${escapeHtml(abortUrl)}">Cancel</a></p>
<p class="note">Demo identity provider. Demo users: ${userList}.</p>`,
  );
}
