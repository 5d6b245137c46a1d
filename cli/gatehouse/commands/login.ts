import os from "node:os";

import { type CommandSpec, type ParsedCommand, stringOption } from "../args";
import { checkHomeUsable, configFile, readSignInFor, saveSignIn } from "../config-store";
import { type CliContext, resolvePortalUrl, warnFor } from "../context";
import { clearCredentialCache } from "../credential-cache";
import { CliError, EXIT, UsageError } from "../exit-codes";
import { isOpenableUrl, openInBrowser } from "../open-browser";
import { callPortal, printable } from "../portal-client";
import { fileProblem } from "../secure-files";

export const spec: CommandSpec = {
  name: "login",
  usage: `Usage: gatehouse login [--portal <url>] [--device-name <name>] [--user <email>] [--no-browser]

Signs this computer in to the portal: shows a code, opens the portal's approval page in your
browser, and waits until you approve it there. The token is saved in
<GATEHOUSE_HOME>/config.json (0600) and is valid for the portal's token lifetime (12 h by default).

  --device-name <name>  what the approval page and your token list show (default: gatehouse on <host>)
  --user <email>        who is expected to approve: someone else cannot, and the CLI refuses
                        the token if the portal says it belongs to anyone else
  --no-browser          print the URL instead of opening a browser (also GATEHOUSE_NO_BROWSER=1)`,
  options: {
    "device-name": { type: "string" },
    user: { type: "string" },
    "no-browser": { type: "boolean" },
  },
  positionals: { min: 0, max: 0 },
};

/** What the portal accepts as a device name (docs/API.md: ≤ 64 printable characters). */
export function checkDeviceName(name: string): string {
  if (name.trim() === "" || [...name].length > 64 || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new UsageError("--device-name must be 1 to 64 printable characters", spec.usage);
  }
  return name;
}

export function defaultDeviceName(hostname: string = os.hostname()): string {
  return [...`gatehouse on ${hostname.replace(/[\u0000-\u001f\u007f-\u009f]/g, "")}`]
    .slice(0, 64)
    .join("");
}

export function checkLoginHint(email: string): string {
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new UsageError(
      `--user must be an email address, got ${JSON.stringify(email)}`,
      spec.usage,
    );
  }
  return email;
}

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const deviceNameFlag = stringOption(parsed, "device-name");
  const deviceName =
    deviceNameFlag === undefined ? defaultDeviceName() : checkDeviceName(deviceNameFlag);
  const userFlag = stringOption(parsed, "user");
  const loginHint = userFlag === undefined ? undefined : checkLoginHint(userFlag);
  const useBrowser = parsed.values["no-browser"] !== true && !ctx.env.noBrowser;
  const warn = warnFor(ctx);
  // Before any token exists: one issued and then not saved would stay valid, unused, for hours.
  checkHomeUsable(ctx.env.home, warn);

  const { startDeviceLogin } = await import("../device-login");
  const login = await startDeviceLogin(
    portalUrl,
    { deviceName, loginHint },
    () => ctx.now(),
    ctx.fetch,
  );
  const { user_code: userCode, verification_uri: uri } = login.authorization;
  const complete = login.authorization.verification_uri_complete ?? uri;
  if (!isOpenableUrl(uri) || !isOpenableUrl(complete)) {
    throw new CliError("the portal's verification URL is not an https:// URL", EXIT.unexpected);
  }
  ctx.err(
    `To sign in, open ${printable(uri)} and check that it shows this code:\n\n    ${printable(userCode)}\n\n`,
  );
  if (useBrowser && (await openInBrowser(complete, ctx.env.platform))) {
    ctx.err("Your browser has been opened at that page.\n");
  } else {
    ctx.err(`Or open ${printable(complete)} directly.\n`);
  }
  const minutes = Math.round(login.authorization.expires_in / 60);
  ctx.err(`Waiting for your approval (the code expires in ${minutes} min)…\n`);

  const signIn = await login.waitForApproval();
  const revokeNew = () =>
    callPortal(ctx.fetch, portalUrl, {
      method: "DELETE",
      path: "/api/v1/token",
      token: signIn.token,
    }).then(
      () => true,
      () => false,
    );
  if (loginHint !== undefined && signIn.user.email.toLowerCase() !== loginHint.toLowerCase()) {
    // Someone else approved: the token is theirs, so revoke it and keep nothing.
    await revokeNew();
    throw new CliError(
      `the sign-in was approved as ${printable(signIn.user.email)}, not ${loginHint}; nothing was saved`,
      EXIT.signInFailed,
    );
  }

  let previous;
  try {
    previous = readSignInFor(ctx.env.home, portalUrl, warn);
  } catch {
    previous = undefined; // a damaged file is about to be replaced
  }
  try {
    saveSignIn(ctx.env.home, signIn, warn);
  } catch (err) {
    // The home broke after the check above: a token nobody holds must not stay valid.
    const revoked = await revokeNew();
    throw new CliError(
      `signed in, but the sign-in could not be saved in ${configFile(ctx.env.home)} (${fileProblem(err)}); ${revoked ? "the new token was revoked" : `the new token ${signIn.tokenId} could not be revoked and stays valid until ${signIn.expiresAt}`}`,
      EXIT.unexpected,
    );
  }
  // Cached credentials may belong to the person signed in before.
  clearCredentialCache(ctx.env.home);
  if (previous && previous.token !== signIn.token) {
    // The replaced token would otherwise stay valid, unused, until it expires. Sign-ins to other
    // portals are kept (docs/CLI.md "Several portals").
    await callPortal(ctx.fetch, previous.portalUrl, {
      method: "DELETE",
      path: "/api/v1/token",
      token: previous.token,
    }).catch(() => undefined);
  }
  ctx.err(
    `Signed in to ${portalUrl} as ${printable(signIn.user.email)} (token ${signIn.tokenId}, valid until ${signIn.expiresAt}).\n`,
  );
  return EXIT.ok;
}
