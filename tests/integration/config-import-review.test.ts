// What an admin reviews is what an apply does, and a file the portal cannot afford to read is
// refused, not read: over HTTP against the real server, with another admin editing through the real
// server actions between the dry run and the apply.
// - An entry the file removes takes everything under it; a rule or role added there since the dry
//   run (which the dry run never showed) makes the apply stale, instead of being deleted unseen.
// - A file of more values than the portal's heap can parse is refused before it is parsed (the
//   portal went down under a 2 MB file of `[1,1,1,…]`), and a map of 100,000 keys is read in one
//   pass, not key against key (which held the whole portal for minutes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type PortalSession } from "../support/portal-client";
import { act, stateInFlight } from "../support/server-actions";
import { RULE_FORM } from "../support/admin-forms";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
});
afterAll(async () => {
  await stack?.stop();
});

interface ImportReply {
  status: number;
  body: {
    ok: boolean;
    applied?: boolean;
    reason?: string;
    problemCount?: number;
    diff?: { hash: string; total: number };
    problems?: Array<{ path: string; line: number | null; message: string }>;
  };
}

async function importFile(body: Record<string, unknown>): Promise<ImportReply> {
  const res = await alice.request("/admin/config/import", { method: "POST", json: body });
  return { status: res.status, body: (await res.json()) as ImportReply["body"] };
}

interface ExportedDoc {
  version: 1;
  accounts: Array<{ id: string; roles: Array<{ name: string }> }>;
}

async function exported(): Promise<ExportedDoc> {
  const res = await alice.request("/admin/config/export?format=json");
  expect(res.status).toBe(200);
  return (await res.json()) as ExportedDoc;
}

/** Another admin's save through the real server action, as the browser posts it. */
async function adminSaves(page: string, name: string, fields: Record<string, string>) {
  const reply = await act(alice, {
    name,
    page: () => page,
    fields: () => fields,
    state: { ok: false, message: null, warnings: [], errors: {}, values: {} },
  });
  const state = stateInFlight<{ errors: Record<string, string> }>(
    reply.text,
    (v) => typeof v.errors === "object",
  );
  expect(reply.redirect, JSON.stringify(state)).toContain("notice=");
}

const ROLE_FORM = {
  name: "AddedSinceReview",
  arn: "",
  description: "",
  maxSessionDurationSeconds: "3600",
  assumeMethod: "assume-role",
  samlProviderArn: "",
  externalId: "",
};

describe("an apply does what its dry run showed", () => {
  it("is refused as stale when a rule was added, since the dry run, to a role the file removes", async () => {
    const doc = await exported();
    const account = doc.accounts.find((a) => a.roles.length > 1)!;
    const dropped = account.roles.pop()!;
    const text = JSON.stringify(doc);
    const dry = await importFile({ mode: "dry-run", text });
    expect(dry.status).toBe(200);
    const row = await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: account.id } });
    const role = await stack.db.role.findFirstOrThrow({
      where: { awsAccountId: row.id, name: dropped.name },
    });

    await adminSaves(`/admin/accounts/${row.id}/roles/${role.id}/rules/new`, "createRuleAction", {
      ...RULE_FORM,
      groupName: "late-joiners",
      accountDbId: row.id,
      roleId: role.id,
    });
    const apply = await importFile({ mode: "apply", text, expectedHash: dry.body.diff!.hash });

    expect(apply.status).toBe(409);
    expect(apply.body.reason).toBe("stale");
    expect(await stack.db.accessRule.count({ where: { groupName: "late-joiners" } })).toBe(1);
  });

  it("is refused as stale when a role was added, since the dry run, to an account the file removes", async () => {
    const doc = await exported();
    const removed = doc.accounts.pop()!;
    const text = JSON.stringify(doc);
    const dry = await importFile({ mode: "dry-run", text });
    expect(dry.status).toBe(200);
    const row = await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: removed.id } });

    await adminSaves(`/admin/accounts/${row.id}/roles/new`, "createRoleAction", {
      ...ROLE_FORM,
      accountDbId: row.id,
    });
    const apply = await importFile({ mode: "apply", text, expectedHash: dry.body.diff!.hash });

    expect(apply.status).toBe(409);
    expect(apply.body.reason).toBe("stale");
    expect(await stack.db.role.count({ where: { name: "AddedSinceReview" } })).toBe(1);
  });
});

describe("a file too big to read", () => {
  it("of more values than the heap can parse is refused before it is parsed, and the portal stays up", async () => {
    const text = `version: 1\naccounts: [${"1,".repeat(1_200_000)}]\n`;
    const dry = await importFile({ mode: "dry-run", text });

    expect(dry.status).toBe(400);
    expect(dry.body.problems).toEqual([
      {
        path: "(document)",
        line: null,
        message: expect.stringMatching(
          /^This file holds more than [\d,]+ values .*at most [\d,]+ .*GATEHOUSE_MAX_HEAP_MB/,
        ),
      },
    ]);
    expect((await exported()).version).toBe(1);
  });

  it("with a map of 100,000 keys is read in one pass and each key named", async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `    k${i}: 1`).join("\n");
    const text = `version: 1\naccounts:\n  - id: "123456789012"\n${keys}\n`;
    const dry = await importFile({ mode: "dry-run", text });

    expect(dry.status).toBe(400);
    expect(dry.body.problemCount).toBeGreaterThanOrEqual(100_000);
    expect(dry.body.problems).toContainEqual({
      path: "accounts[0].k99",
      line: 103,
      message: 'Unknown field "k99".',
    });
  }, 30_000);
});
