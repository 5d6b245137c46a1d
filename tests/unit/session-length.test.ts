import { describe, expect, it } from "vitest";
import type { Grant } from "@/lib/access/resolve-grants";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import { isAppError } from "@/lib/errors";
import type { IssuanceContext } from "@/lib/issuance/issuance-request";
import { chooseDuration } from "@/lib/issuance/session-length";

/**
 * AWS caps an AssumeRole signed with temporary credentials (role credentials, a GetSessionToken
 * session such as the broker's MFA session) at one hour, as role chaining: issuance asks the broker
 * whether this grant's AssumeRole is capped, and refuses a longer choice before calling AWS.
 */
describe("the role-chaining cap follows what signs the AssumeRole", () => {
  const grant = (requiresBrokerMfa: boolean) =>
    ({
      maxSessionDurationSeconds: 43_200,
      roleMaxSessionDurationSeconds: 43_200,
      accessEndsAt: null,
      requiresBrokerMfa,
    }) as unknown as Grant;

  function context(capped: (mfa: boolean | undefined) => boolean) {
    const asked: Array<{ requiresBrokerMfa?: boolean; forConsole?: boolean }> = [];
    const broker = {
      capsAtOneHour: (request: { requiresBrokerMfa?: boolean; forConsole?: boolean }) => {
        asked.push(request);
        return Promise.resolve(capped(request.requiresBrokerMfa));
      },
    } as unknown as StsBroker;
    return { ctx: { broker, now: new Date() } as unknown as IssuanceContext, asked };
  }

  const cases: Array<{ rule: string; mfa: boolean; capped: boolean; seconds: number }> = [
    {
      rule: "a role needing the broker's MFA session is capped",
      mfa: true,
      capped: true,
      seconds: 3600,
    },
    {
      rule: "a role the long-term key may sign is not",
      mfa: false,
      capped: false,
      seconds: 28_800,
    },
  ];

  it.each(cases)("$rule", async ({ mfa, capped, seconds }) => {
    const { ctx, asked } = context((m) => m === true && capped);
    if (capped) {
      const error: unknown = await chooseDuration(ctx, grant(mfa), 28_800, {
        askBroker: { forConsole: false },
      }).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("validation_error");
      expect(isAppError(error) && error.issues?.[0]?.message).toMatch(
        /at most 1 h \(3600 s\): the portal's broker signs this role's sessions with temporary credentials/,
      );
      // The default still fits: one hour.
      await expect(
        chooseDuration(ctx, grant(mfa), undefined, { askBroker: { forConsole: false } }),
      ).resolves.toBe(3600);
    } else {
      await expect(
        chooseDuration(ctx, grant(mfa), 28_800, { askBroker: { forConsole: false } }),
      ).resolves.toBe(seconds);
    }
    expect(asked[0]).toEqual({ requiresBrokerMfa: mfa, forConsole: false });
  });

  it("a session of an hour or less never asks the broker", async () => {
    const { ctx, asked } = context(() => true);
    await expect(
      chooseDuration(ctx, grant(true), 3600, { askBroker: { forConsole: false } }),
    ).resolves.toBe(3600);
    expect(asked).toHaveLength(0);
  });
});
