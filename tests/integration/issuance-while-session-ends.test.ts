// Credentials asked for at the very moment the asker's session or CLI token is being ended — by
// an admin's "revoke person", a sign-out or an IdP's disable, each of which ends the rows in one
// transaction. The answer is decided after STS answered, by taking the session's (or token's) row
// with the `*.issued` event: either the ending waits for the issuance, whose credentials then
// predate the revocation time the deny policy names (README "Revoking a person"), or the issuance
// waits for the ending and hands out nothing. Only PostgreSQL lets the two run at once (SQLite
// has one writer at a time), so only there can the interleaving be made: the test holds the rows
// ended but uncommitted while the request is in flight, as the ending's own transaction would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAIN_HEAD_ID } from "@/lib/audit/chain-head";
import { cliTokenFor, v1 } from "../support/cli-auth";
import {
  expectApiError,
  issuanceOutcomeRows,
  parseDetails,
  storedUser,
} from "../support/portal-assertions";
import { roleIdOf, signIn } from "../support/portal-client";
import { commit, whileHoldingRows } from "../support/row-lock-wait";
import { startTestStack, testDatabaseKind, type TestStack } from "../support/stack";

describe.runIf(testDatabaseKind() === "postgresql")(
  "credentials asked for while the session is being ended (PostgreSQL)",
  () => {
    let stack: TestStack;
    let roleId: string;

    beforeAll(async () => {
      stack = await startTestStack();
      roleId = await roleIdOf(stack, "acme-staging", "Developer");
    });
    afterAll(async () => {
      await stack?.stop();
    });

    const cases: Array<{
      name: string;
      outcome: "credentials" | "console";
      send: () => Promise<() => Promise<Response>>;
    }> = [
      {
        name: "CLI credentials on the web page",
        outcome: "credentials",
        send: async () => {
          const bob = await signIn(stack, "bob");
          return () =>
            bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
        },
      },
      {
        name: "a console sign-in link on the web page",
        outcome: "console",
        send: async () => {
          const bob = await signIn(stack, "bob");
          return () => bob.request(`/api/roles/${roleId}/console`, { method: "POST", json: {} });
        },
      },
      {
        name: "credentials for the gatehouse CLI (bearer token)",
        outcome: "credentials",
        send: async () => {
          const { token } = await cliTokenFor(stack, await signIn(stack, "bob"));
          // Used once already: the request below writes nothing to the token's row on its way in.
          expect((await v1(stack, "/me", { token })).status).toBe(200);
          return () => v1(stack, "/credentials", { method: "POST", token, json: { role: roleId } });
        },
      },
    ];

    it.each(cases)(
      "issuance that outlives its session: $name are not handed out, and the withheld key is audited",
      async ({ outcome, send }) => {
        const request = await send();
        const bob = await storedUser(stack, "bob");
        // The revocation's transaction, as far as it goes before it commits: every session of
        // the person's, then every CLI token.
        const { res, text } = await whileHoldingRows(stack.databaseUrl, {
          hold: async (ender) => {
            await ender.query(
              `UPDATE "PortalSession" SET "revokedAt" = now()
                WHERE "userId" = $1 AND "revokedAt" IS NULL`,
              [bob.id],
            );
            await ender.query(
              `UPDATE "CliToken" SET "revokedAt" = now(), "revokedBy" = 'admin:test'
                WHERE "userId" = $1 AND "revokedAt" IS NULL`,
              [bob.id],
            );
          },
          request: () => request().then(async (res) => ({ res, text: await res.clone().text() })),
          release: commit,
        });

        await expectApiError(res, 401, "unauthenticated");
        const rows = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
        expect(rows.map((r) => `${r.action} ${r.outcome}`)).toEqual([`${outcome}.failed error`]);
        // AWS made the credentials: the record names their key, so they can be found and denied.
        const withheld = rows[0]!;
        expect(withheld.accessKeyId).toMatch(/^ASIA/);
        expect(withheld.sourceIdentity).toBe(bob.id);
        expect(String(parseDetails(withheld.detailsJson).reason)).toContain("ended");
        expect(text).not.toContain(withheld.accessKeyId!);
      },
    );

    it("revoking all of one's CLI sessions while an issuance holds one of them: each waits for the other, neither deadlocks", async () => {
      const bob = await signIn(stack, "bob");
      const tokens = [await cliTokenFor(stack, bob), await cliTokenFor(stack, bob)];
      // "Revoke all" goes through the tokens in id order: the last is the one an issuance holds.
      const held = tokens.map((t) => t.tokenId).sort()[1]!;
      // An issuance's `*.issued` transaction, in its order: the token's row, then the chain.
      const res = await whileHoldingRows(stack.databaseUrl, {
        hold: async (issuance) => {
          await issuance.query(
            `UPDATE "CliToken" SET "revokedAt" = NULL WHERE id = $1 AND "revokedAt" IS NULL`,
            [held],
          );
        },
        request: () => bob.request("/api/cli-sessions", { method: "DELETE" }),
        release: async (issuance) => {
          await issuance.query(
            `UPDATE "AuditChainHead" SET "sequence" = "sequence" WHERE id = ${CHAIN_HEAD_ID}`,
          );
          await issuance.query("ROLLBACK");
        },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toEqual({ revoked: 2 });
    });
  },
);
