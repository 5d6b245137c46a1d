import { describe, expect, it } from "vitest";

import { decodeBase32, matchTotpStep, totpCode, totpStep } from "@/dev/aws-standin/totp";

/** RFC 6238 Appendix B's SHA-1 seed, the ASCII string "12345678901234567890", in base32. */
const RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** RFC 6238 Appendix B, SHA-1 rows: Unix time in seconds → 8-digit TOTP. */
const RFC_6238_SHA1_VECTORS: Array<[seconds: number, code: string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("totpCode follows RFC 6238 (SHA-1, 30 s steps)", () => {
  it("decodes the RFC's seed from base32 to its ASCII bytes", () => {
    expect(decodeBase32(RFC_SEED_BASE32).toString("ascii")).toBe("12345678901234567890");
    expect(decodeBase32(RFC_SEED_BASE32.toLowerCase() + "====").toString("ascii")).toBe(
      "12345678901234567890",
    );
  });

  it.each(RFC_6238_SHA1_VECTORS)("at %i s the 8-digit code is %s", (seconds, code) => {
    expect(totpCode(RFC_SEED_BASE32, new Date(seconds * 1000), 8)).toBe(code);
  });

  it.each(RFC_6238_SHA1_VECTORS)(
    "at %i s the 6-digit code is the last six digits of %s (as IAM's devices show)",
    (seconds, code) => {
      expect(totpCode(RFC_SEED_BASE32, new Date(seconds * 1000))).toBe(code.slice(2));
    },
  );

  it("keeps one code for a whole 30-second step and changes at its boundary", () => {
    const start = new Date(1111111110 * 1000); // a step boundary: 1111111110 = 30 × 37037037
    const end = new Date(start.getTime() + 29_999);
    const next = new Date(start.getTime() + 30_000);
    expect(totpStep(end)).toBe(totpStep(start));
    expect(totpCode(RFC_SEED_BASE32, end)).toBe(totpCode(RFC_SEED_BASE32, start));
    expect(totpCode(RFC_SEED_BASE32, next)).not.toBe(totpCode(RFC_SEED_BASE32, start));
  });
});

describe("matchTotpStep accepts one step of drift and no more", () => {
  const now = new Date(1234567890 * 1000);
  const at = (steps: number) => new Date(now.getTime() + steps * 30_000);

  it.each([
    { drift: -1, accepted: true },
    { drift: 0, accepted: true },
    { drift: 1, accepted: true },
    { drift: -2, accepted: false },
    { drift: 2, accepted: false },
  ])("a code from $drift steps away is accepted: $accepted", ({ drift, accepted }) => {
    const code = totpCode(RFC_SEED_BASE32, at(drift));
    const step = matchTotpStep(RFC_SEED_BASE32, code, now);
    expect(step).toBe(accepted ? totpStep(now) + drift : null);
  });

  it("refuses a code of the wrong length even when it is a suffix of the right one", () => {
    const code = totpCode(RFC_SEED_BASE32, now);
    expect(matchTotpStep(RFC_SEED_BASE32, code.slice(1), now)).toBeNull();
    expect(matchTotpStep(RFC_SEED_BASE32, `0${code}`, now)).toBeNull();
  });
});

describe("malformed secrets are programming errors", () => {
  it.each([
    ["a character outside A–Z and 2–7", "GEZDGNBVGY3TQOJ1"],
    ["fewer than 80 bits", "GEZDGNBVGY3TQOJ"],
    ["padding in the middle", "GEZDGNBV=GY3TQOJQ"],
  ])("%s throws TypeError", (_rule, secret) => {
    expect(() => totpCode(secret, new Date(0))).toThrow(TypeError);
  });

  it("an invalid date throws TypeError", () => {
    expect(() => totpCode(RFC_SEED_BASE32, new Date(Number.NaN))).toThrow(TypeError);
  });
});
