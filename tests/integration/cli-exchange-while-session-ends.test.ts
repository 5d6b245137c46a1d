// A CLI sign-in collected at the very moment its approving browser session is being ended — by a
// sign-out, an admin's "revoke person" or an IdP's disable, each of which ends the session row and
// then the person's CLI tokens in one transaction (docs/CLI.md "When the approving session ends").
// The exchange takes the approving session's row before it makes a token, so either it waits for
// the ending and makes none, or the ending waits for it and then revokes the token it made: no token
// outlives the ending. Only PostgreSQL lets the two run at once (SQLite has one writer at a time),
// so only there can the interleaving be made: the test holds the session row ended but uncommitted
// while the CLI polls, as the ending's own transaction would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, pollCliToken, startCliSignIn } from "../support/cli-auth";
import { signIn } from "../support/portal-client";
import { commit, whileHoldingRows } from "../support/row-lock-wait";
import { startTestStack, testDatabaseKind, type TestStack } from "../support/stack";

describe.runIf(testDatabaseKind() === "postgresql")(
  "collecting a CLI token while the approving session is being ended (PostgreSQL)",
  () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it("an approval whose session is ended while the CLI collects it gives no token that outlives the ending", async () => {
      const approver = await signIn(stack, "dave");
      const deviceName = "dave's laptop (collected while the session ends)";
      const started = await startCliSignIn(stack, { device_name: deviceName });
      expect((await decide(approver, started.user_code, "approve")).status).toBe(200);
      const approval = await stack.db.deviceAuthorization.findUniqueOrThrow({
        where: { userCode: started.user_code.replace("-", "") },
      });

      // The ending's transaction, as far as it goes before it commits: the session, then the
      // person's tokens (none yet).
      const { status, body } = await whileHoldingRows(stack.databaseUrl, {
        hold: async (ender) => {
          await ender.query(`UPDATE "PortalSession" SET "revokedAt" = now() WHERE id = $1`, [
            approval.decidedBySessionId,
          ]);
          await ender.query(
            `UPDATE "CliToken" SET "revokedAt" = now(), "revokedBy" = 'logout'
              WHERE "userId" = $1 AND "revokedAt" IS NULL`,
            [approval.decidedByUserId],
          );
        },
        request: () =>
          pollCliToken(stack, started.device_code).then(async (res) => ({
            status: res.status,
            body: (await res.json()) as { error?: string; error_description?: string },
          })),
        release: commit,
      });

      const liveTokens = await stack.db.cliToken.count({
        where: { deviceName, revokedAt: null },
      });
      expect(liveTokens, JSON.stringify(body)).toBe(0);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(body.error).toBe("expired_token");
      expect(body.error_description).toContain("the browser session that approved it has ended");
      const row = await stack.db.deviceAuthorization.findUniqueOrThrow({
        where: { id: approval.id },
      });
      expect(row.status).toBe("session-ended");
      const refusals = await stack.db.auditEvent.findMany({
        where: { action: "cli.token-issued", detailsJson: { contains: deviceName } },
      });
      expect(refusals.map((r) => r.outcome)).toEqual(["denied"]);
    });
  },
);
