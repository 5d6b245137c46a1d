import "server-only";
import { findGrantForRole, principalOf } from "@/lib/access/find-grants";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { AwsRolePair } from "./aws-role-attribute";
import { SamlRejection } from "./types";

/**
 * Checks that an AWS assertion brought back by a trip lists the role the trip was started for,
 * paired with the SAML provider Gatehouse names for it (docs/SAML-IDENTITY.md, "Roles reached
 * through the AWS app"). Without that pair issuance answers saml_assertion_required again, and
 * the page that asked would start the same trip again: the user would go round through the IdP
 * with no word of why. A role no longer granted (or not assumed with SAML) is left to issuance.
 * @throws SamlRejection role_not_in_assertion, naming the pair wanted and the pairs listed
 */
export async function checkTripRole(args: {
  db: Db;
  user: SignedInUser;
  roleId: string;
  roles: readonly AwsRolePair[];
  now: Date;
}): Promise<void> {
  const grant = await findGrantForRole(args.db, principalOf(args.user), args.roleId, args.now);
  if (!grant || grant.assumeMethod !== "assume-role-with-saml" || !grant.samlProviderArn) return;
  const wanted = { roleArn: grant.roleArn, principalArn: grant.samlProviderArn };
  const listed = args.roles.some(
    (r) => r.roleArn === wanted.roleArn && r.principalArn === wanted.principalArn,
  );
  if (listed) return;
  const pairs = args.roles.slice(0, 5).map((r) => `${r.roleArn},${r.principalArn}`);
  throw new SamlRejection(
    "role_not_in_assertion",
    `the assertion does not list ${wanted.roleArn},${wanted.principalArn}; it lists ${pairs.join(" ")}`,
  );
}
