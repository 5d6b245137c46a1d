import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";

import { formatExpiration } from "../../../lib/aws/credential-formats";
import {
  ROLE_REFERENCE_PATTERN,
  type CommandSpec,
  type ParsedCommand,
  durationOption,
  regionOption,
  roleReference,
  stringOption,
} from "../args";
import { type CliContext, requireSignIn, resolvePortalUrl } from "../context";
import { type IssuedCredentials, parseRolesAnswer } from "../api-types";
import { renewalTime } from "../credential-cache";
import { type CredentialRequest, getCredentials } from "../credentials";
import { keepWarm, messageOf } from "../keep-warm";
import { callPortal } from "../portal-client";
import { durationProblem, findRole } from "../role-duration-check";
import { CliError, EXIT, UsageError } from "../exit-codes";

export const spec: CommandSpec = {
  name: "serve",
  usage: `Usage: gatehouse serve [<account>/<role>] [--port <n>] [--duration <s>] [--region <region>]

Serves credentials on 127.0.0.1 to the AWS SDKs' and CLI's container credential provider, which
asks again before they expire (each answer comes through the same cache as gatehouse creds). The
default role's credentials are fetched at start and renewed ahead of the SDK's asking.
Prints the variables to set, one NAME=value per line:
  GATEHOUSE_SERVE_PORT=<port>
  AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:<port>/   (with a default role)
  AWS_CONTAINER_AUTHORIZATION_TOKEN=<random token; a secret>
Any role you may use is at http://127.0.0.1:<port>/role/<account>/<role>. Stops on Ctrl-C.

  <account>/<role>     the role served at /
  --port <n>           the port (default 0: any free port)
  --duration <s>       session length in seconds (900-43200, or 1h, 90m); over the default
                       role's limit: refused at start (exit 2)
  --region <region>    the region; default: the portal's`,
  options: {
    port: { type: "string" },
    duration: { type: "string" },
    region: { type: "string" },
  },
  positionals: { min: 0, max: 1 },
};

export type CredentialSource = (role: string) => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  account: { accountId: string };
}>;

/**
 * The request handler, apart from the server so its rules can be tested on their own:
 * `Host` must name 127.0.0.1 or localhost on this port (403 otherwise: DNS rebinding),
 * `Authorization` must equal the token (401 without, 403 wrong), GET only (405), `/` for the
 * default role and `/role/<account>/<role>` for any other (404 otherwise).
 */
export function credentialHandler(
  authToken: string,
  defaultRole: string | undefined,
  source: CredentialSource,
  logError: (message: string) => void,
  port: () => number,
): http.RequestListener {
  const expected = digest(authToken);
  return (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    // DNS rebinding: a web page whose name now resolves to 127.0.0.1 reaches this port with its
    // own name in Host. The SDKs always send the loopback address (or localhost) they were given.
    if (!isLoopbackHost(req.headers.host, port())) {
      return send(403, { code: "Forbidden", message: "Host must be 127.0.0.1 or localhost" });
    }
    const presented = req.headers.authorization;
    if (presented === undefined)
      return send(401, { code: "Unauthorized", message: "Authorization header required" });
    // Compared as digests: equal length, constant time, and no hint of the token's length.
    if (!timingSafeEqual(digest(presented), expected)) {
      return send(403, { code: "Forbidden", message: "wrong authorization token" });
    }
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      return send(405, { code: "MethodNotAllowed", message: "only GET" });
    }
    const role = roleForPath(new URL(req.url ?? "/", "http://127.0.0.1").pathname, defaultRole);
    if (role === undefined) return send(404, { code: "NotFound", message: "no such path" });
    source(role).then(
      (creds) =>
        send(200, {
          AccessKeyId: creds.accessKeyId,
          SecretAccessKey: creds.secretAccessKey,
          Token: creds.sessionToken,
          Expiration: formatExpiration(new Date(creds.expiration)),
          AccountId: creds.account.accountId,
        }),
      (err: unknown) => {
        const failure = err instanceof CliError ? err : new CliError(String(err), EXIT.unexpected);
        logError(
          `${role}: ${failure.message}${failure.requestId ? ` (request id ${failure.requestId})` : ""}`,
        );
        const status =
          failure.exitCode === EXIT.unavailable
            ? 503
            : failure.exitCode === EXIT.refused
              ? 403
              : 500;
        send(status, { code: "CredentialsUnavailable", message: failure.message });
      },
    );
  };
}

/** Whether a Host header names this server on loopback: `127.0.0.1:<port>` or `localhost:<port>`. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const match = /^(127\.0\.0\.1|localhost)(?::(\d{1,5}))?$/i.exec(host);
  if (!match) return false;
  return match[2] === undefined ? port === 80 : Number(match[2]) === port;
}

/** `/` → the default role; `/role/<account>/<role>` → that role; anything else → undefined. */
export function roleForPath(pathname: string, defaultRole: string | undefined): string | undefined {
  if (pathname === "/") return defaultRole;
  const match = /^\/role\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (!match) return undefined;
  try {
    const role = `${decodeURIComponent(match[1] as string)}/${decodeURIComponent(match[2] as string)}`;
    return ROLE_REFERENCE_PATTERN.test(role) ? role : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before listening, a --duration the default role does not allow: otherwise every request
 * would fail after the variables were printed. A role the caller's list does not name (once) is
 * left to the portal, whose answer to the fetch at start stops serve with its own error.
 */
async function checkDuration(
  ctx: CliContext,
  portalUrl: string,
  token: string,
  role: string,
  seconds: number,
): Promise<void> {
  const answer = parseRolesAnswer(
    await callPortal(ctx.fetch, portalUrl, { method: "GET", path: "/api/v1/roles", token }),
  );
  const found = answer ? findRole(answer.accounts, role) : undefined;
  const problem = found ? durationProblem(found, seconds) : null;
  if (problem) throw new CliError(problem, EXIT.usage);
}

/**
 * The default role's credentials at start, or, when the portal or AWS is unavailable, why not
 * (said on stderr here).
 */
async function fetchAtStart(
  ctx: CliContext,
  portalUrl: string,
  request: CredentialRequest,
): Promise<{ credentials: IssuedCredentials } | { unavailable: CliError }> {
  try {
    return { credentials: await getCredentials(ctx, portalUrl, request) };
  } catch (err) {
    if (!(err instanceof CliError) || err.exitCode !== EXIT.unavailable) throw err;
    ctx.err(
      `gatehouse: warning: could not fetch ${request.role} at start: ${err.message}; serving anyway and trying again every minute\n`,
    );
    return { unavailable: err };
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const defaultRole =
    parsed.positionals[0] === undefined
      ? undefined
      : roleReference(parsed.positionals[0], spec.usage);
  const portText = stringOption(parsed, "port") ?? "0";
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) {
    throw new UsageError(`--port must be 0 to 65535, got ${JSON.stringify(portText)}`, spec.usage);
  }
  const durationSeconds = durationOption(parsed, spec.usage);
  const region = regionOption(parsed, spec.usage);
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));
  const signIn = requireSignIn(ctx, portalUrl); // fail now, not at the first request
  if (defaultRole !== undefined && durationSeconds !== undefined)
    await checkDuration(ctx, portalUrl, signIn.token, defaultRole, durationSeconds);
  const request = (role: string): CredentialRequest => ({ role, durationSeconds, region });
  // The default role's credentials before the variables are printed: the SDK's first ask is then
  // answered from the cache within its one-second wait, and a role the portal refuses stops serve
  // here, with the portal's reason, rather than failing every request. A portal that can't be
  // reached now (no VPN yet) is not a reason to stop: serve starts and keeps trying.
  const atStart =
    defaultRole === undefined
      ? undefined
      : { role: defaultRole, ...(await fetchAtStart(ctx, portalUrl, request(defaultRole))) };

  const authToken = randomBytes(32).toString("base64url");
  const server: http.Server = http.createServer(
    credentialHandler(
      authToken,
      defaultRole,
      (role) => getCredentials(ctx, portalUrl, request(role)),
      (message) => ctx.err(`gatehouse: ${message}\n`),
      (): number => {
        const bound = server.address();
        return typeof bound === "object" && bound ? bound.port : -1;
      },
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          `cannot listen on 127.0.0.1:${portText}: ${err.code ?? err.message}`,
          EXIT.unexpected,
        ),
      ),
    );
    // Loopback only: the container provider accepts http:// only for loopback addresses, and
    // nothing off this machine should reach it.
    server.listen(Number(portText), "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : Number(portText);
  const lines = [`GATEHOUSE_SERVE_PORT=${port}`];
  if (defaultRole !== undefined)
    lines.push(`AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:${port}/`);
  lines.push(`AWS_CONTAINER_AUTHORIZATION_TOKEN=${authToken}`);
  ctx.out(`${lines.join("\n")}\n`);
  ctx.err(
    `gatehouse: serving credentials on http://127.0.0.1:${port}/${defaultRole ? ` (${defaultRole} at /)` : ""}; roles at /role/<account>/<role>. Ctrl-C stops.\n`,
  );

  const warmer =
    atStart &&
    keepWarm("credentials" in atStart ? atStart.credentials : null, {
      obtain: () => getCredentials(ctx, portalUrl, request(atStart.role)),
      renewalTime: (creds) => renewalTime(creds.expiration, creds.durationSeconds),
      now: () => ctx.now(),
      schedule: (ms, task) => {
        const timer = setTimeout(task, ms);
        timer.unref();
        return () => clearTimeout(timer);
      },
      failedAtStart: "unavailable" in atStart ? atStart.unavailable : undefined,
      onError: (err) =>
        ctx.err(
          `gatehouse: renewing ${atStart.role} ahead of the SDK failed: ${messageOf(err)}; trying again every minute (said again only if the reason changes)\n`,
        ),
      onRecovered: (failures) =>
        ctx.err(
          `gatehouse: fetched ${atStart.role} after ${failures} failed attempt${failures === 1 ? "" : "s"}.\n`,
        ),
    });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  warmer?.stop();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A request still waiting on the portal gets a moment to finish, not forever.
  setTimeout(() => server.closeAllConnections(), 5_000).unref();
  await closed;
  ctx.err(`gatehouse: stopped (${signal}).\n`);
  return EXIT.ok;
}
