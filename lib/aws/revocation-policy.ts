/**
 * The IAM policy that ends AWS sessions the portal already issued to a revoked person (README
 * "Revoking a person"): every session carries the person's identity id as SourceIdentity, which
 * sticks through role chaining, so denying everything to those source identities for tokens
 * issued before the revocation ends them, and leaves later, re-approved sessions alone.
 * Client-safe: pure.
 */
export function sourceIdentityDenyPolicy(sourceIdentities: string[], revokedAt: Date): string {
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GatehouseRevokedPerson",
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceIdentity": [...sourceIdentities].sort() },
            DateLessThan: { "aws:TokenIssueTime": revokedAt.toISOString() },
          },
        },
      ],
    },
    null,
    2,
  );
}
