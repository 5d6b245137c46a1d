/**
 * The IAM policy that ends AWS sessions the portal already issued to a revoked person (README
 * "Revoking a person"): a session carries its SourceIdentity through role chaining, so denying
 * everything to those source identities for tokens issued before the revocation ends them, and
 * leaves later, re-approved sessions alone. Sessions AWS recorded without a SourceIdentity (an
 * IdP's assertion for a role assumed with SAML need not set one) are named by their session name:
 * a role session's `aws:userid` is `<role id>:<session name>`, and a session name has no colon
 * nor wildcard character, so `*:<name>` matches that name only.
 * Client-safe: pure.
 */
export function sourceIdentityDenyPolicy(
  sourceIdentities: string[],
  revokedAt: Date,
  sessionNames: string[] = [],
): string {
  const issuedBefore = { "aws:TokenIssueTime": revokedAt.toISOString() };
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
            DateLessThan: issuedBefore,
          },
        },
        ...(sessionNames.length > 0
          ? [
              {
                Sid: "GatehouseRevokedPersonSessionNames",
                Effect: "Deny",
                Action: "*",
                Resource: "*",
                Condition: {
                  StringLike: { "aws:userid": [...sessionNames].sort().map((n) => `*:${n}`) },
                  DateLessThan: issuedBefore,
                },
              },
            ]
          : []),
      ],
    },
    null,
    2,
  );
}
