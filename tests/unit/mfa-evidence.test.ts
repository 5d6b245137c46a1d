import { describe, expect, it } from "vitest";
import { mfaEvidenceFromOidcClaims, mfaEvidenceFromSamlContext } from "@/lib/auth/mfa-evidence";

const mfa = {
  amrValues: ["mfa", "otp", "hwk"],
  acrValues: ["http://schemas.openid.net/pape/policies/2007/06/multi-factor"],
  samlAuthnContexts: ["https://refeds.org/profile/mfa"],
};
const MFA_ACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
const PPT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

describe("MFA evidence from verified OIDC claims", () => {
  const cases: Array<{ rule: string; claims: Record<string, unknown>; mfa: boolean }> = [
    { rule: "amr with a configured MFA value is MFA", claims: { amr: ["pwd", "mfa"] }, mfa: true },
    { rule: "any one configured amr value is enough", claims: { amr: ["hwk"] }, mfa: true },
    { rule: "amr with a password only is not MFA", claims: { amr: ["pwd"] }, mfa: false },
    { rule: "a configured MFA acr is MFA", claims: { amr: ["pwd"], acr: MFA_ACR }, mfa: true },
    { rule: "another acr is not MFA", claims: { acr: "urn:mace:incommon:iap:silver" }, mfa: false },
    { rule: "no amr and no acr is not MFA", claims: {}, mfa: false },
    { rule: "an amr string (not an array) is not evidence", claims: { amr: "mfa" }, mfa: false },
    { rule: "an acr array (not a string) is not evidence", claims: { acr: [MFA_ACR] }, mfa: false },
    { rule: "non-string amr entries are ignored", claims: { amr: [{ mfa: true }, 1] }, mfa: false },
    {
      rule: "amr values are compared exactly (case matters)",
      claims: { amr: ["MFA"] },
      mfa: false,
    },
  ];
  it.each(cases)("$rule", ({ claims, mfa: expected }) => {
    expect(mfaEvidenceFromOidcClaims(claims, mfa).mfaAuthenticated).toBe(expected);
  });

  it("records what the IdP said (amr and acr), bounded, for the session and the audit log", () => {
    const evidence = mfaEvidenceFromOidcClaims(
      { amr: ["pwd", "mfa", 7, "x".repeat(300)], acr: MFA_ACR, id_token: "never-stored" },
      mfa,
    );
    expect(evidence.authnContext).toEqual({ method: "oidc", amr: ["pwd", "mfa"], acr: MFA_ACR });
  });
});

describe("MFA evidence from a verified SAML AuthnContextClassRef", () => {
  const cases: Array<{ rule: string; refs: string[]; mfa: boolean }> = [
    {
      rule: "a configured MFA context is MFA",
      refs: ["https://refeds.org/profile/mfa"],
      mfa: true,
    },
    { rule: "PasswordProtectedTransport is not MFA", refs: [PPT], mfa: false },
    { rule: "no AuthnStatement context is not MFA", refs: [], mfa: false },
    {
      rule: "a password statement beside an MFA one is not MFA",
      refs: [PPT, "https://refeds.org/profile/mfa"],
      mfa: false,
    },
    {
      rule: "class refs are compared exactly",
      refs: ["https://refeds.org/profile/MFA"],
      mfa: false,
    },
  ];
  it.each(cases)("$rule", ({ refs, mfa: expected }) => {
    const evidence = mfaEvidenceFromSamlContext(refs, mfa);
    expect(evidence.mfaAuthenticated).toBe(expected);
    expect(evidence.authnContext).toEqual({ method: "saml", authnContextClassRefs: refs });
  });
});
