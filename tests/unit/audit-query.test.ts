// The audit page's filters from the URL: what each accepts, and a clear issue (never a crash or a
// silently different query) for anything else.
import { describe, expect, it } from "vitest";
import { encodeCursor, parseFilterDate } from "@/lib/audit/audit-filter-values";
import {
  filterParams,
  parseAuditExportQuery,
  parseAuditQuery,
  type AuditQuery,
} from "@/lib/audit/audit-query";

function ok(params: Record<string, string>): AuditQuery {
  const result = parseAuditQuery(new URLSearchParams(params));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.query;
}
function issuesOf(params: Record<string, string>): string[] {
  const result = parseAuditQuery(new URLSearchParams(params));
  return result.ok ? [] : result.issues.map((i) => i.path);
}

describe("filter dates (UTC)", () => {
  const DATES: Array<[string, string, boolean, string | null]> = [
    ["a date is midnight UTC", "2026-11-26", false, "2026-11-26T00:00:00.000Z"],
    ["a date as `to` is the end of that day", "2026-11-26", true, "2026-11-27T00:00:00.000Z"],
    ["a datetime-local minute", "2026-11-26T14:05", false, "2026-11-26T14:05:00.000Z"],
    ["a minute as `to` is that minute", "2026-11-26T14:05", true, "2026-11-26T14:05:00.000Z"],
    ["seconds and milliseconds", "2026-11-26T14:05:07.12", false, "2026-11-26T14:05:07.120Z"],
    ["an explicit Z", "2026-11-26T14:05:07Z", false, "2026-11-26T14:05:07.000Z"],
    ["an offset is applied", "2026-11-26T14:05+01:30", false, "2026-11-26T12:35:00.000Z"],
    ["February 30 is refused, not rolled over", "2026-02-30", false, null],
    ["hour 24 is refused", "2026-11-26T24:00", false, null],
    ["minute 60 is refused", "2026-11-26T10:60", false, null],
    ["words are refused", "yesterday", false, null],
    ["a timestamp number is refused", "1764158400000", false, null],
    ["a space instead of T is refused", "2026-11-26 14:05", false, null],
    ["years 0001–0099 are those years, not 19xx", "0042-03-01", false, "0042-03-01T00:00:00.000Z"],
    ["year 0000 is refused (the databases start at 0001)", "0000-12-31", false, null],
    [
      "9999-12-31 as `to` ends at its last millisecond",
      "9999-12-31",
      true,
      "9999-12-31T23:59:59.999Z",
    ],
    ["an offset pushing a time past 9999 is refused", "9999-12-31T23:59-01:00", false, null],
    ["an offset pulling a time before 0001 is refused", "0001-01-01T00:30+01:00", false, null],
  ];
  for (const [rule, input, endOfDay, expected] of DATES) {
    it(rule, () => {
      expect(parseFilterDate(input, { endOfDay })?.toISOString() ?? null).toBe(expected);
    });
  }
});

describe("parseAuditQuery", () => {
  it("blank fields from a submitted form mean no filter", () => {
    expect(
      ok({ from: "", to: " ", user: "", account: "", role: "", action: "", outcome: "" }),
    ).toEqual({ limit: 50 });
  });

  it("reads every filter", () => {
    const q = ok({
      from: "2026-11-01",
      to: "2026-11-30",
      user: "alice@example.com",
      account: "123456789012",
      role: "arn:aws:iam::123456789012:role/team/Developer",
      action: "console.issued",
      outcome: "denied",
      limit: "20",
    });
    expect(q).toMatchObject({
      user: "alice@example.com",
      account: "123456789012",
      role: "arn:aws:iam::123456789012:role/team/Developer",
      action: "console.issued",
      outcome: "denied",
      limit: 20,
    });
    expect(q.from?.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(q.to?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("a role name and a portal user id are accepted", () => {
    expect(ok({ role: "ReadOnly", user: "cmwxp9ewn4rjcyf2xkepbp610" })).toMatchObject({
      role: "ReadOnly",
      user: "cmwxp9ewn4rjcyf2xkepbp610",
    });
  });

  it("a cursor round-trips", () => {
    const event = { createdAt: new Date("2026-11-26T12:00:00.123Z"), id: "cabc123" };
    expect(ok({ before: encodeCursor(event) }).cursor).toEqual({ direction: "older", ...event });
    expect(ok({ after: encodeCursor(event) }).cursor).toEqual({ direction: "newer", ...event });
  });

  it("the filters go back into a URL that reads the same", () => {
    const q = ok({ from: "2026-11-01", user: "bob@example.com", outcome: "error", limit: "10" });
    expect(ok(Object.fromEntries(filterParams(q)))).toEqual(q);
  });

  const REFUSED: Array<[string, Record<string, string>, string]> = [
    ["a bad from date", { from: "2026-13-01" }, "from"],
    ["a bad to date", { to: "soon" }, "to"],
    ["to before from", { from: "2026-11-02", to: "2026-11-01" }, "to"],
    ["to equal to from", { from: "2026-11-01T10:00", to: "2026-11-01T10:00" }, "to"],
    ["an 11-digit account", { account: "12345678901" }, "account"],
    ["an account with letters", { account: "12345678901a" }, "account"],
    ["a user that is neither email nor id", { user: "Alice Smith" }, "user"],
    ["a role with spaces", { role: "Read Only" }, "role"],
    ["a role ARN of another service", { role: "arn:aws:s3:::bucket" }, "role"],
    ["an action with capitals", { action: "Console.Issued" }, "action"],
    ["an unknown outcome", { outcome: "maybe" }, "outcome"],
    ["a forged cursor", { before: "bm90LWEtY3Vyc29y" }, "before"],
    ["cursor junk", { after: "<script>" }, "after"],
    [
      "a cursor past year 9999",
      { before: Buffer.from("999999999999999.abc").toString("base64url") },
      "before",
    ],
    [
      "both cursors",
      {
        before: encodeCursor({ createdAt: new Date(0), id: "a" }),
        after: encodeCursor({ createdAt: new Date(0), id: "b" }),
      },
      "after",
    ],
    ["limit 0", { limit: "0" }, "limit"],
    ["limit over 200", { limit: "201" }, "limit"],
    ["a fractional limit", { limit: "1.5" }, "limit"],
    ["an over-long user", { user: `${"a".repeat(320)}@x` }, "user"],
  ];
  for (const [rule, params, path] of REFUSED) {
    it(`refuses ${rule} with an issue on ${path}`, () => {
      expect(issuesOf(params)).toContain(path);
    });
  }

  it.each([
    ["a URL's query", new URLSearchParams("user=alice%40corp.example&user=bob%40corp.example")],
    ["a page's search params", { user: ["alice@corp.example", "bob@corp.example"] }],
    ["a repeated empty value", new URLSearchParams("user=&user=")],
  ])(
    "a filter given more than once is an issue naming it, never its first value (%s)",
    (_what, params) => {
      const result = parseAuditQuery(params);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.issues).toEqual([
          { path: "user", message: "is given 2 times; give it once" },
        ]);
    },
  );

  it("reports every problem at once, not only the first", () => {
    expect(issuesOf({ from: "x", account: "1", outcome: "nope" }).sort()).toEqual([
      "account",
      "from",
      "outcome",
    ]);
  });
});

describe("parseAuditExportQuery", () => {
  const exportIssues = (query: string) => {
    const result = parseAuditExportQuery(new URLSearchParams(query));
    return result.ok ? [] : result.issues;
  };

  it("reads the filters and the format (csv when none is given); a page's limit has no effect", () => {
    const result = parseAuditExportQuery(
      new URLSearchParams("format=jsonl&account=123456789012&from=2026-01-01&limit=3"),
    );
    expect(result).toEqual({
      ok: true,
      format: "jsonl",
      query: {
        account: "123456789012",
        from: new Date("2026-01-01T00:00:00.000Z"),
        limit: 3,
      },
    });
    expect(parseAuditExportQuery(new URLSearchParams("format="))).toMatchObject({
      ok: true,
      format: "csv",
    });
  });

  const REFUSED: Array<[string, string, string, string]> = [
    ["a misspelt filter", "acount=123456789012", "acount", "is not a field this accepts"],
    ["a tracking parameter", "utm_source=mail", "utm_source", "is not a field this accepts"],
    [
      "a page cursor",
      `before=${encodeCursor({ createdAt: new Date(0), id: "a" })}`,
      "before",
      "an export holds every event the filters match: it takes no page cursor",
    ],
    ["an unknown format", "format=xlsx", "format", "must be csv or jsonl"],
    ["an end before the start", "from=2026-02-01&to=2026-01-01", "to", "must be after from"],
  ];
  for (const [rule, query, path, message] of REFUSED) {
    it(`refuses ${rule}, naming ${path}`, () => {
      expect(exportIssues(query)).toEqual([{ path, message }]);
    });
  }
});

describe("the filters on ids an incident starts from", () => {
  it("reads a request id, an access request id and a CLI token id, each exact", () => {
    const q = ok({
      requestId: " 3f0c9a2e-1b2c-4d5e-8f90-0123456789ab ",
      accessRequestId: "cmwxp9ewn4rjcyf2xkepbp610",
      cliTokenId: "cmwxp9ewn4rjcyf2xkepbp611",
    });
    expect(q).toMatchObject({
      requestId: "3f0c9a2e-1b2c-4d5e-8f90-0123456789ab",
      accessRequestId: "cmwxp9ewn4rjcyf2xkepbp610",
      cliTokenId: "cmwxp9ewn4rjcyf2xkepbp611",
    });
    expect(ok(Object.fromEntries(filterParams(q)))).toEqual(q);
    expect(parseAuditExportQuery(new URLSearchParams(filterParams(q)))).toMatchObject({
      ok: true,
      query: q,
    });
  });

  const REFUSED: Array<[string, Record<string, string>, string]> = [
    ["a request id shorter than 8", { requestId: "abc-123" }, "requestId"],
    ["a request id with a space", { requestId: "abcd 1234" }, "requestId"],
    ["a request id with a LIKE wildcard", { requestId: "abcd%1234" }, "requestId"],
    ["a request id over 64", { requestId: "a".repeat(65) }, "requestId"],
    ["an access request id fragment", { accessRequestId: "cm" }, "accessRequestId"],
    ["an access request id in capitals", { accessRequestId: "C".repeat(25) }, "accessRequestId"],
    ["an access request id with _", { accessRequestId: `${"a".repeat(24)}_` }, "accessRequestId"],
    ["a CLI token id with a quote", { cliTokenId: `${"a".repeat(24)}"` }, "cliTokenId"],
    ["a CLI token id over 40", { cliTokenId: "a".repeat(41) }, "cliTokenId"],
  ];
  for (const [rule, params, path] of REFUSED) {
    it(`refuses ${rule} with an issue on ${path}`, () => {
      expect(issuesOf(params)).toEqual([path]);
    });
  }
});
