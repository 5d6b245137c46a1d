import { isRecord } from "./config-store";
import { CliError, EXIT, exitCodeForStatus } from "./exit-codes";
import { USER_AGENT } from "./version";

/** Every portal call gives up after this long (docs/CLI.md "Network"). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface PortalRequest {
  method: "GET" | "POST" | "DELETE";
  /** Below the portal URL, e.g. `/api/v1/roles`. */
  path: string;
  /** Sent as `Authorization: Bearer <token>` (docs/API.md "Authentication"). */
  token?: string;
  json?: unknown;
  /** Overrides {@link REQUEST_TIMEOUT_MS} (tests). */
  timeoutMs?: number;
}

/** Attempts in all when the portal answers 503 `overloaded` (docs/CLI.md "Messages, secrets and the network"). */
export const OVERLOADED_ATTEMPTS = 3;
/** The longest Retry-After the CLI waits out before trying again, in seconds. */
export const LONGEST_OVERLOAD_WAIT_S = 5;

/** How the CLI waits before trying again; tests pass their own. */
export type Wait = (ms: number) => Promise<void>;
const waitFor: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls the portal and returns the parsed JSON body (undefined for 204). Every failure becomes a
 * {@link CliError} with the exit code of docs/API.md's status table and the portal's own message
 * and request id; network failures and timeouts are exit 5.
 *
 * A 503 `overloaded` is tried again after its Retry-After, up to {@link OVERLOADED_ATTEMPTS}
 * attempts in all: the portal sends it before it has done anything with the request (it sheds load
 * before its handlers run), so even an issuance is safe to send again. No other failure is retried.
 */
export async function callPortal(
  fetchImpl: typeof fetch,
  portalUrl: string,
  request: PortalRequest,
  wait: Wait = waitFor,
): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const answer = await callPortalOnce(fetchImpl, portalUrl, request);
    if (answer.kind === "body") return answer.body;
    const retryIn = overloadRetrySeconds(answer.response, answer.body);
    if (retryIn === null || attempt >= OVERLOADED_ATTEMPTS)
      throw portalError(answer.response, answer.body, portalUrl, answer.requestId);
    await wait(retryIn * 1000);
  }
}

/**
 * Seconds to wait before sending the request again, or null when it must not be sent again: only a
 * 503 whose error code is `overloaded`, after its Retry-After (whole seconds; 1 when absent or not a
 * number, at most {@link LONGEST_OVERLOAD_WAIT_S}).
 */
export function overloadRetrySeconds(
  response: { status: number; headers: { get(name: string): string | null } },
  body: unknown,
): number | null {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (response.status !== 503 || error?.code !== "overloaded") return null;
  const header = response.headers.get("retry-after")?.trim() ?? "";
  const seconds = /^\d{1,6}$/.test(header) ? Number(header) : 1;
  return Math.min(seconds, LONGEST_OVERLOAD_WAIT_S);
}

type Answer =
  | { kind: "body"; body: unknown }
  | { kind: "failure"; response: Response; body: unknown; requestId: string | undefined };

async function callPortalOnce(
  fetchImpl: typeof fetch,
  portalUrl: string,
  request: PortalRequest,
): Promise<Answer> {
  const headers: Record<string, string> = {
    accept: "application/json",
    "user-agent": USER_AGENT,
  };
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  if (request.json !== undefined) headers["content-type"] = "application/json";

  // One deadline for the headers and the body: a portal that sends its headers and then stalls
  // must not hold the caller (a credential_process, say) until the server closes the socket.
  const timeoutMs = request.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const unreachable = (err: unknown) =>
    new CliError(
      `cannot reach the portal at ${portalUrl}: ${networkReason(err, timeoutMs)}${untrustedHint(err)}`,
      EXIT.unavailable,
    );
  let response: Response;
  try {
    response = await fetchImpl(`${portalUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      redirect: "error",
      signal,
    });
  } catch (err) {
    // The proxy's own failures (a refused tunnel, a proxy URL that does not parse) say so.
    if (err instanceof CliError) throw err;
    throw unreachable(err);
  }

  const requestId = response.headers.get("x-request-id") ?? undefined;
  if (response.status === 204) return { kind: "body", body: undefined };
  let text: string;
  try {
    text = await untilAborted(response.text(), signal);
  } catch (err) {
    void response.body?.cancel().catch(() => undefined);
    throw unreachable(err);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (body === undefined) {
      throw new CliError(
        `the portal answered ${request.method} ${request.path} with something that is not JSON`,
        EXIT.unexpected,
        requestId,
      );
    }
    return { kind: "body", body };
  }
  return { kind: "failure", response, body, requestId };
}

/** The CliError for a non-2xx answer (`{"error": {"code", "message", "requestId"}}`). */
export function portalError(
  response: { status: number; headers: { get(name: string): string | null } },
  body: unknown,
  portalUrl: string,
  headerRequestId?: string,
): CliError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const requestId =
    (typeof error?.requestId === "string" ? error.requestId : undefined) ?? headerRequestId;
  // A failure is never exit 0, whatever status came with it.
  const exitCode = response.status < 300 ? EXIT.unexpected : exitCodeForStatus(response.status);
  // Sentences are joined below, so the portal's own final full stop is dropped.
  let message =
    typeof error?.message === "string" && error.message.trim() !== ""
      ? printable(error.message).replace(/[.\s]+$/, "")
      : `the portal answered HTTP ${response.status}`;
  // validation_error names each field that is wrong and why (docs/API.md "Errors").
  const issues = Array.isArray(error?.issues) ? error.issues.filter(isRecord) : [];
  const details = issues
    .filter((issue) => typeof issue.message === "string")
    .map((issue) =>
      printable(
        typeof issue.path === "string" && issue.path
          ? `${issue.path} ${String(issue.message)}`
          : String(issue.message),
      ),
    );
  if (details.length > 0) message += `: ${details.join("; ")}`;
  if (typeof error?.awsErrorCode === "string")
    message += ` (AWS said ${printable(error.awsErrorCode)})`;
  if (response.status === 401) {
    // Named, because `gatehouse login` alone signs in to the default portal, which may be
    // another one (docs/CLI.md "Several portals").
    message = `${message.replace(/[.\s]*Run gatehouse login$/i, "")}. Run gatehouse login --portal ${portalUrl}`;
  }
  if (response.status === 429 || response.status === 503) {
    const retryAfter = response.headers.get("retry-after");
    if (retryAfter && /^\d+$/.test(retryAfter)) message += `; try again in ${retryAfter} s`;
  }
  if (error?.code === "saml_assertion_required") {
    // The role is reached through the IdP's AWS app: the browser hands AWS the assertion, so no
    // step in the browser lets the CLI issue it (docs/API.md).
    message += "; only the web page can issue this role, not the CLI";
  } else if (typeof error?.nextUrl === "string" && error.nextUrl.startsWith("/")) {
    // mfa_required: the page that completes the missing step.
    message += `; complete it in the browser at ${portalUrl}${printable(error.nextUrl)}`;
  }
  return new CliError(
    message,
    exitCode,
    requestId,
    typeof error?.code === "string" ? error.code : undefined,
  );
}

/** Strips control characters: the portal's text goes to a terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, " ");
}

/** `promise`, or a rejection with the signal's reason once it aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as it came
        reject(err);
      },
    );
  });
}

/** TLS errors that mean "no trusted authority issued this certificate" (Node's codes). */
const UNTRUSTED_CERTIFICATE = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

/** What to do when the portal's certificate is not trusted; "" for any other failure. */
function untrustedHint(err: unknown): string {
  const cause = err instanceof Error && isRecord(err.cause) ? err.cause : undefined;
  return typeof cause?.code === "string" && UNTRUSTED_CERTIFICATE.has(cause.code)
    ? " (its certificate is not issued by an authority this machine trusts: behind a TLS-inspecting proxy, point AWS_CA_BUNDLE or NODE_EXTRA_CA_CERTS at your organisation's CA bundle)"
    : "";
}

/** Why a request got no answer: a timeout, or the socket error's code (`ECONNREFUSED` …). */
export function networkReason(err: unknown, timeoutMs: number = REQUEST_TIMEOUT_MS): string {
  if (err instanceof DOMException && err.name === "TimeoutError") {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = err instanceof Error && isRecord(err.cause) ? err.cause : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string" && cause.message) return printable(cause.message);
  if (err instanceof Error && err.message) return printable(err.message);
  return "network error";
}
