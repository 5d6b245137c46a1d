// Assertions shared by the portal-* integration suites: the STS stand-in's call log (to prove "no
// STS call"), the one JSON error shape, audit rows, and a whole-database / server-log scan for
// secrets (docs/INVARIANTS.md invariants 1–3).
import { expect } from "vitest";
import type { PortalSession } from "./portal-client";
import type { StsCallRecord } from "@/dev/aws-standin/server";
import { demoUsers } from "@/dev/demo-users";
import type { TestStack } from "./stack";

/** Every STS call the stand-in saw since the last reset (identifiers only, never secrets). */
export async function stsCalls(stack: TestStack): Promise<StsCallRecord[]> {
  const res = await fetch(`${stack.aws.url}/__standin/calls`);
  expect(res.status).toBe(200);
  return (await res.json()) as StsCallRecord[];
}

export async function resetStsCalls(stack: TestStack): Promise<void> {
  const res = await fetch(`${stack.aws.url}/__standin/reset-calls`, { method: "POST" });
  expect(res.status).toBe(200);
}

/**
 * Runs `request` and asserts that the portal made no STS call and no federation call meanwhile
 * (the stand-in's logs are reset first). Returns what `request` returned.
 */
export async function withoutAwsCalls<T>(stack: TestStack, request: () => Promise<T>): Promise<T> {
  await resetStsCalls(stack);
  const result = await request();
  expect(await stsCalls(stack), "the portal called STS").toEqual([]);
  const federation = (await (
    await fetch(`${stack.aws.url}/__standin/federation-calls`)
  ).json()) as unknown[];
  expect(federation, "the portal called the federation endpoint").toEqual([]);
  return result;
}

/** The AssumeRole calls among the recorded STS calls. */
export async function assumeRoleCalls(stack: TestStack): Promise<StsCallRecord[]> {
  return (await stsCalls(stack)).filter((c) => c.action === "AssumeRole");
}

/** The portal's stored user row for a demo username (id, roleSessionName, …). */
export async function storedUser(stack: TestStack, username: string) {
  const demo = demoUsers.find((u) => u.username === username);
  if (!demo) throw new TypeError(`no demo user ${username}`);
  return stack.db.user.findFirstOrThrow({ where: { subject: demo.subject } });
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    awsErrorCode?: string;
    issues?: unknown[];
    /** Where to go first (mfa_required: the step-up sign-in). */
    nextUrl?: string;
  };
}

/** Things a response body must never contain: stack frames, source paths, ORM internals. */
const LEAK_PATTERNS: Array<[string, RegExp]> = [
  ["a stack frame", /\bat\s+[\w.$<>[\]]+\s*\(|\n\s+at\s/],
  [
    "a source path",
    /(?:\/work\/|\/home\/|\/app\/|node_modules|\.next\/|webpack:|file:\/\/|[A-Za-z]:\\)/,
  ],
  ["an ORM name", /prisma/i],
  ["a SQL statement", /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b/],
  ["a database name", /sqlite|postgres/i],
];

export function expectNoInternalsIn(text: string): void {
  for (const [what, pattern] of LEAK_PATTERNS) {
    expect(pattern.test(text), `response body contains ${what}: ${text.slice(0, 300)}`).toBe(false);
  }
}

/**
 * Asserts the one JSON error shape: the status, `error.code`, `error.requestId` equal to the
 * `x-request-id` header, `no-store`, and no internals in the body. Returns the parsed body.
 */
export async function expectApiError(
  res: Response,
  status: number,
  code?: string | readonly string[],
): Promise<ApiErrorBody> {
  const text = await res.text();
  expect(res.status, `HTTP ${res.status}: ${text.slice(0, 300)}`).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const body = JSON.parse(text) as ApiErrorBody;
  expect(typeof body.error?.code).toBe("string");
  if (typeof code === "string") expect(body.error.code).toBe(code);
  else if (code) expect(code).toContain(body.error.code);
  expect(typeof body.error.message).toBe("string");
  const requestId = res.headers.get("x-request-id");
  expect(requestId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  expect(body.error.requestId).toBe(requestId);
  expect(res.headers.get("cache-control") ?? "").toContain("no-store");
  expectNoInternalsIn(text);
  return body;
}

/** The audit rows written while serving one request (by its x-request-id), in chain order. */
export async function auditRowsFor(stack: TestStack, requestId: string | null) {
  expect(requestId).toBeTruthy();
  return stack.db.auditEvent.findMany({
    where: { requestId: requestId! },
    orderBy: { sequence: "asc" },
  });
}

/**
 * The audit rows of an issuance that got past authorization: checks that its first row is the
 * `*.authorized` record written before STS was asked (docs/DATABASE-FAULTS.md), naming the same
 * account, role and session as what followed, and returns what followed (`*.issued` or `*.failed`).
 */
export async function issuanceOutcomeRows(stack: TestStack, requestId: string | null) {
  const [authorized, ...outcome] = await auditRowsFor(stack, requestId);
  expect(authorized?.action, "the issuance's first audit row").toMatch(
    /^(credentials|console)\.authorized$/,
  );
  for (const row of outcome) {
    expect(row.action.split(".")[0]).toBe(authorized!.action.split(".")[0]);
    expect(row.awsAccountId).toBe(authorized!.awsAccountId);
    expect(row.roleArn).toBe(authorized!.roleArn);
    expect(row.actorUserId).toBe(authorized!.actorUserId);
  }
  return outcome;
}

export function parseDetails(json: string): Record<string, unknown> {
  return JSON.parse(json) as Record<string, unknown>;
}

/** Every row of every table in the test database, as one JSON text per table. */
export async function dumpDatabase(stack: TestStack): Promise<Map<string, string>> {
  const tables =
    stack.database === "sqlite"
      ? await stack.db.$queryRawUnsafe<Array<{ name: string }>>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
        )
      : await stack.db.$queryRawUnsafe<Array<{ name: string }>>(
          `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
        );
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining(["AuditEvent", "User", "PortalSession"]),
  );
  const dump = new Map<string, string>();
  for (const { name } of tables) {
    const table = `"${name.replace(/"/g, '""')}"`;
    // PostgreSQL renders any column type as JSON itself; SQLite's types all come back as JS values.
    const rows =
      stack.database === "sqlite"
        ? await stack.db.$queryRawUnsafe<unknown[]>(`SELECT * FROM ${table}`)
        : await stack.db.$queryRawUnsafe<unknown[]>(
            `SELECT row_to_json(t)::text AS "row" FROM ${table} t`,
          );
    dump.set(
      name,
      JSON.stringify(rows, (_key, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value,
      ),
    );
  }
  return dump;
}

/**
 * Asserts that none of `secrets` appears in any column of any table, nor in anything the portal
 * process printed (its log). Each secret is also looked for URL-encoded, as it travels in URLs.
 */
export async function expectSecretsNowhere(
  stack: TestStack,
  secrets: readonly string[],
): Promise<void> {
  expect(secrets.length).toBeGreaterThan(0);
  const forms = secrets.flatMap((s) => {
    expect(
      s.length,
      "a secret to look for must be long enough to be unambiguous",
    ).toBeGreaterThanOrEqual(16);
    return [...new Set([s, encodeURIComponent(s)])];
  });
  const dump = await dumpDatabase(stack);
  for (const [table, text] of dump) {
    for (const secret of forms) {
      expect(
        text.includes(secret),
        `table ${table} contains a secret (${secret.slice(0, 6)}…)`,
      ).toBe(false);
    }
  }
  const output = stack.portal.output();
  for (const secret of forms) {
    expect(
      output.includes(secret),
      `the portal's log contains a secret (${secret.slice(0, 6)}…)`,
    ).toBe(false);
  }
}

/** The role ids the accounts page renders in one section, in order (data-testid + data-role-id). */
export async function sectionRoleIds(
  session: PortalSession,
  testId: "favorite-role" | "recent-role",
): Promise<string[]> {
  const res = await session.request("/accounts");
  expect(res.status).toBe(200);
  const html = await res.text();
  const pattern = new RegExp(`data-testid="${testId}" data-role-id="([a-z0-9]+)"`, "g");
  return [...html.matchAll(pattern)].map((m) => m[1]!);
}
