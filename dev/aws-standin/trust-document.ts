/**
 * A role's trust policy as IAM returns it in AssumeRolePolicyDocument: the document of a role
 * defined by one (re-serialized compactly), or for a role defined by the shorthand fields the
 * document they stand for, written as an operator would write it in IAM:
 *
 * - `Allow` `sts:AssumeRole` (+ `sts:SetSourceIdentity`, `sts:TagSession` when allowed) to the
 *   trusted principals, with `Bool aws:MultiFactorAuthPresent true` when MFA is required;
 * - `Allow` `sts:AssumeRoleWithSAML` (+ the same extras) to the trusted SAML providers as
 *   `Federated` principals, with the `SAML:aud` condition IAM's console writes (the partition's
 *   sign-in endpoint);
 * - for a role that trusts nobody, a `Deny` of `sts:AssumeRole` to everyone: IAM has no empty
 *   trust policy, and this one refuses exactly what the shorthand refuses.
 *
 * Single values are written as strings and several as lists, as IAM returns them.
 */
import { SAML_SIGNIN } from "./partitions";
import type { ResolvedRole } from "./world";

type Statement = Record<string, unknown>;

/** The trust policy's JSON text (IAM URL-encodes it on the wire: see iam-roles.ts). */
export function trustPolicyDocument(role: ResolvedRole): string {
  if (role.trustPolicy !== undefined) {
    const document: unknown =
      typeof role.trustPolicy === "string" ? JSON.parse(role.trustPolicy) : role.trustPolicy;
    return JSON.stringify(document);
  }
  const extras = [
    ...(role.allowsSourceIdentity ? ["sts:SetSourceIdentity"] : []),
    ...(role.allowsTagSession ? ["sts:TagSession"] : []),
  ];
  const statements: Statement[] = [];
  if (role.trustedPrincipalArns.length > 0) {
    statements.push({
      Effect: "Allow",
      Principal: { AWS: oneOrMany(role.trustedPrincipalArns) },
      Action: oneOrMany(["sts:AssumeRole", ...extras]),
      ...(role.requiresMfa
        ? { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }
        : {}),
    });
  }
  const providers = role.trustedSamlProviderArns ?? [];
  if (providers.length > 0) {
    statements.push({
      Effect: "Allow",
      Principal: { Federated: oneOrMany(providers) },
      Action: oneOrMany(["sts:AssumeRoleWithSAML", ...extras]),
      Condition: {
        StringEquals: { "SAML:aud": `https://${SAML_SIGNIN[role.partition].host}/saml` },
      },
    });
  }
  if (statements.length === 0) {
    statements.push({ Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 ? (values[0] ?? "") : [...values];
}
