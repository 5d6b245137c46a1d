/**
 * The CLI's exit codes and its one error type (docs/CLI.md "Exit codes"). Scripts branch on these
 * numbers, so they are part of the interface: change them only with the docs.
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notSignedIn: 3,
  refused: 4,
  unavailable: 5,
  signInFailed: 6,
  /** `gatehouse exec`: the command exists but cannot be run (not executable; the shells' convention). */
  commandNotExecutable: 126,
  /** `gatehouse exec`: the command to run does not exist (the shells' convention). */
  commandNotFound: 127,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The lines `gatehouse --help` prints about exit codes (same wording as docs/CLI.md). */
export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  unexpected error
  2  usage error, or the portal refused the request as invalid (validation_error)
  3  not signed in, or the portal rejected the sign-in (401): run gatehouse login
  4  refused: not allowed, no such role, MFA needed, ambiguous role (403, 404, 409)
  5  the portal or AWS is unavailable (network error, timeout, 429, 5xx)
  6  sign-in denied in the browser, or the code expired before it was approved
  gatehouse exec exits with the command's own code (128+n for signal n; 126: cannot run it; 127: no such command)`;

/**
 * A failure the CLI reports as `gatehouse: <message>` and turns into an exit code. The message is
 * shown to the person at the terminal, so it must never carry a secret (docs/CLI.md "Secrets").
 */
export class CliError extends Error {
  override readonly name: string = "CliError";

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The portal's request id, when the portal answered (docs/API.md "Errors"). */
    readonly requestId?: string,
    /** The portal's error code (`not_found`, `validation_error` …), when the portal answered. */
    readonly portalCode?: string,
  ) {
    super(message);
  }
}

/** A command line the CLI cannot run; `usage` is printed after the message. */
export class UsageError extends CliError {
  override readonly name: string = "UsageError";

  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message, EXIT.usage);
  }
}

/** The exit code for a portal answer with this HTTP status (the table in docs/API.md "Errors"). */
export function exitCodeForStatus(status: number): ExitCode {
  if (status >= 200 && status < 300) return EXIT.ok;
  if (status === 400 || status === 422) return EXIT.usage;
  if (status === 401) return EXIT.notSignedIn;
  if (status === 403 || status === 404 || status === 409) return EXIT.refused;
  if (status === 429 || status >= 500) return EXIT.unavailable;
  return EXIT.unexpected;
}

/** `gatehouse: <message> (request id <id>)`, the one shape every failure is printed in. */
export function formatFailure(error: CliError): string {
  const suffix = error.requestId ? ` (request id ${error.requestId})` : "";
  return `gatehouse: ${error.message}${suffix}\n`;
}
