import { describe, expect, it } from "vitest";
import { IdentityClaimsError, identityFromOidcClaims } from "@/lib/auth/oidc-identity";

const opts = { issuer: "https://idp.corp.example", groupsClaim: "groups" };
const base = {
  iss: "https://idp.corp.example",
  sub: "00u1",
  email: "bob@corp.example",
  name: "Bob",
};

describe("OIDC claims to portal identity", () => {
  it("the user key is (issuer, subject); groups are deduplicated and sorted", () => {
    expect(identityFromOidcClaims({ ...base, groups: ["b", "a", "b"] }, opts)).toEqual({
      issuer: "https://idp.corp.example",
      subject: "00u1",
      email: "bob@corp.example",
      displayName: "Bob",
      groups: ["a", "b"],
      emailVerified: false,
    });
  });

  it.each([
    [true, true],
    ["true", false],
    [undefined, false],
    [1, false],
  ])("email_verified %j counts as verified: %j (only a boolean true)", (claim, verified) => {
    expect(identityFromOidcClaims({ ...base, email_verified: claim }, opts).emailVerified).toBe(
      verified,
    );
  });

  it("a missing groups claim means no groups", () => {
    expect(identityFromOidcClaims(base, opts).groups).toEqual([]);
  });

  it.each([
    ["another issuer", { ...base, iss: "https://evil.example" }],
    ["no issuer", { ...base, iss: undefined }],
    ["no subject", { ...base, sub: undefined }],
    ["empty subject", { ...base, sub: "" }],
    ["numeric subject", { ...base, sub: 42 }],
    ["groups as a string", { ...base, groups: "admins" }],
    ["groups with a non-string", { ...base, groups: ["a", 1] }],
    ["an empty group name", { ...base, groups: [""] }],
    ["too many groups", { ...base, groups: Array.from({ length: 501 }, (_, i) => `g${i}`) }],
  ])("claims with %s are refused", (_name, claims) => {
    expect(() => identityFromOidcClaims(claims, opts)).toThrow(IdentityClaimsError);
  });
});
