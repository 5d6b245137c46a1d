// The demo IdPs' second factor, on a frozen clock: codes are RFC 6238 TOTP of a per-user key; the
// current and the previous 30-second step are accepted, nothing older and nothing from the future;
// malformed codes and another user's code are refused; five wrong codes end a sign-in; and the
// SAML IdP keeps the count on the interaction bound to the browser, which expires.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { demoUsers } from "@/dev/demo-users";
import { DemoTotp, MAX_CODE_ATTEMPTS, recordWrongCode } from "@/dev/oidc-idp/mfa";
import { INTERACTION_TTL_SECONDS, InteractionStore } from "@/dev/saml-idp/sessions";

const SECRET = Buffer.from("a fixed demo secret for the unit tests, 32+ bytes");
const STEP_MS = 30_000;
/** A step boundary: 2026-05-01T00:00:00Z is a multiple of 30 s. */
const T0 = Date.UTC(2026, 4, 1);

/** RFC 4226 HOTP (HMAC-SHA1, dynamic truncation, 6 digits), written from the RFC. */
function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[19]! & 0xf;
  const value =
    ((mac[offset]! & 0x7f) << 24) |
    (mac[offset + 1]! << 16) |
    (mac[offset + 2]! << 8) |
    mac[offset + 3]!;
  return String(value % 1_000_000).padStart(6, "0");
}

/** A TOTP whose clock the test moves. */
function totpAt(start: number, secret = SECRET) {
  const clock = { now: start };
  return { totp: new DemoTotp(secret, () => clock.now), clock };
}

describe("the demo code is RFC 6238 TOTP", () => {
  it("the reference HOTP matches RFC 4226 Appendix D", () => {
    const key = Buffer.from("12345678901234567890");
    expect([0, 1, 2, 3, 9].map((c) => hotp(key, c))).toEqual([
      "755224",
      "287082",
      "359152",
      "969429",
      "520489",
    ]);
  });

  it("codes are HOTP of the 30-second step with a per-user key derived from the IdP's secret", () => {
    const { totp } = totpAt(T0);
    for (const { username } of demoUsers) {
      const userKey = createHmac("sha256", SECRET).update(`totp:${username}`).digest();
      for (const at of [T0, T0 + STEP_MS - 1, T0 + STEP_MS, T0 + 17 * STEP_MS + 12_345]) {
        expect(totp.codeFor(username, at)).toBe(hotp(userKey, Math.floor(at / STEP_MS)));
      }
    }
  });

  it("a code holds for its whole step and changes at the boundary", () => {
    const { totp } = totpAt(T0);
    expect(totp.codeFor("bob", T0)).toBe(totp.codeFor("bob", T0 + STEP_MS - 1));
    expect(totp.codeFor("bob", T0 + STEP_MS)).not.toBe(totp.codeFor("bob", T0));
  });

  it("each user has their own code, and each IdP process its own secret", () => {
    const { totp } = totpAt(T0);
    expect(totp.codeFor("alice")).not.toBe(totp.codeFor("bob"));
    expect(totp.verify("bob", totp.codeFor("alice"))).toBe(false);
    const other = new DemoTotp(Buffer.from("another secret, another IdP process"), () => T0);
    expect(other.codeFor("bob")).not.toBe(totp.codeFor("bob"));
    expect(other.verify("bob", totp.codeFor("bob"))).toBe(false);
  });
});

describe("the accepted window: the current step and the one before", () => {
  const now = T0 + 5 * STEP_MS + 10_000;
  const { totp } = totpAt(now);
  const codeOf = (stepsAgo: number) => totp.codeFor("bob", now - stepsAgo * STEP_MS);

  it("the preconditions: the codes of neighbouring steps differ", () => {
    const codes = [-1, 0, 1, 2].map(codeOf);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each([
    { rule: "the current code is accepted", stepsAgo: 0, accepted: true },
    {
      rule: "the previous step's code (typed as it rolled over) is accepted",
      stepsAgo: 1,
      accepted: true,
    },
    { rule: "a code two steps old is refused", stepsAgo: 2, accepted: false },
    { rule: "a code from the next step (a clock ahead) is refused", stepsAgo: -1, accepted: false },
  ])("$rule", ({ stepsAgo, accepted }) => {
    expect(totp.verify("bob", codeOf(stepsAgo))).toBe(accepted);
  });

  it("the window moves with the clock: the accepted code expires a step later", () => {
    const { totp: moving, clock } = totpAt(T0);
    const code = moving.codeFor("bob");
    clock.now = T0 + STEP_MS; // the next step: still accepted as the previous one
    expect(moving.verify("bob", code)).toBe(true);
    clock.now = T0 + 2 * STEP_MS; // two steps on: stale
    expect(moving.verify("bob", code)).toBe(false);
  });
});

describe("malformed codes are refused before any comparison", () => {
  const { totp } = totpAt(T0);
  const good = totp.codeFor("bob");
  it.each([
    { rule: "empty", code: "" },
    { rule: "five digits", code: good.slice(0, 5) },
    { rule: "seven digits", code: `${good}0` },
    { rule: "a letter", code: `${good.slice(0, 5)}a` },
    { rule: "surrounding space (the form trims; verify does not)", code: ` ${good}` },
    {
      rule: "non-ASCII digits",
      code: [...good].map((d) => String.fromCharCode(0xff10 + Number(d))).join(""),
    },
    { rule: "a signed number", code: `+${good.slice(1)}` },
  ])("$rule", ({ code }) => {
    expect(totp.verify("bob", code)).toBe(false);
  });
});

describe("the attempt limit", () => {
  it("is five wrong codes", () => {
    expect(MAX_CODE_ATTEMPTS).toBe(5);
  });

  it("four wrong codes may be retried; the fifth gives up", () => {
    const signIn = { attempts: 0 };
    const outcomes = Array.from({ length: MAX_CODE_ATTEMPTS }, () => recordWrongCode(signIn));
    expect(outcomes).toEqual(["retry", "retry", "retry", "retry", "give-up"]);
    expect(signIn.attempts).toBe(5);
  });

  it("a sign-in already past the limit stays given up", () => {
    expect(recordWrongCode({ attempts: MAX_CODE_ATTEMPTS })).toBe("give-up");
  });
});

describe("the SAML IdP's code step lives on an interaction bound to the browser", () => {
  const bob = demoUsers.find((u) => u.username === "bob")!;
  const pending = {
    kind: "sso" as const,
    appId: "gatehouse",
    requestId: "_req",
    nameIdFormat: "emailAddress" as const,
    needsMfa: true,
  };

  it("wrong codes counted on the interaction persist between lookups, so the limit holds", () => {
    const store = new InteractionStore(() => T0);
    const { interaction, secret } = store.start(pending);
    store.markPasswordVerified(interaction.uid, bob);
    for (let i = 1; i < MAX_CODE_ATTEMPTS; i += 1) {
      const found = store.find(interaction.uid, secret)?.passwordVerified;
      expect(found?.attempts).toBe(i - 1);
      expect(recordWrongCode(found!)).toBe("retry");
    }
    const last = store.find(interaction.uid, secret)?.passwordVerified;
    expect(recordWrongCode(last!)).toBe("give-up");
  });

  it("another browser (no or a wrong cookie secret) finds no interaction", () => {
    const store = new InteractionStore(() => T0);
    const { interaction, secret } = store.start(pending);
    expect(store.find(interaction.uid, undefined)).toBeUndefined();
    expect(store.find(interaction.uid, `${secret.slice(0, -1)}x`)).toBeUndefined();
    expect(store.find(interaction.uid, secret)?.pending).toEqual(pending);
  });

  it("the code step expires with the interaction, ten minutes after it started", () => {
    const clock = { now: T0 };
    const store = new InteractionStore(() => clock.now);
    const { interaction, secret } = store.start(pending);
    store.markPasswordVerified(interaction.uid, bob);
    clock.now = T0 + INTERACTION_TTL_SECONDS * 1000 - 1;
    expect(store.find(interaction.uid, secret)?.passwordVerified?.user.username).toBe("bob");
    clock.now = T0 + INTERACTION_TTL_SECONDS * 1000;
    expect(store.find(interaction.uid, secret)).toBeUndefined();
  });

  it("a finished interaction can't be used again", () => {
    const store = new InteractionStore(() => T0);
    const { interaction, secret } = store.start(pending);
    store.markPasswordVerified(interaction.uid, bob);
    store.delete(interaction.uid);
    expect(store.find(interaction.uid, secret)).toBeUndefined();
  });
});
