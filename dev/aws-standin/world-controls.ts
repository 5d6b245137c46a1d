/**
 * Changing the world while the stand-in runs, for tests of "a role disappears" or "an account
 * was renamed": shared by the AwsStandin methods and the `/__standin/*` admin routes. Each change
 * goes through the same checks as the world at start, and STS, IAM and Organizations see it at
 * once (a removed role can no longer be assumed, exactly like one that never existed).
 */
import type { OrganizationIndex, OrganizationMemberPatch } from "./organization-index";
import type { Router } from "./router";
import type { StandinOrganizationMember, StandinRole } from "./world";

/**
 * Adds a role to an account, or replaces the one with its name.
 *
 * @returns the role's ARN.
 * @throws TypeError when the account id or role is malformed.
 */
export function putRole(router: Router, accountId: string, role: StandinRole): string {
  return router.world.putRole(accountId, role, wholeSeconds(router.now())).arn;
}

/** Removes the role an ARN names (exact path and name); false when there is none. */
export function removeRole(router: Router, roleArn: string): boolean {
  return router.world.removeRole(roleArn);
}

/** @throws TypeError without an organization, for a non-member or an invalid patch. */
export function updateOrganizationMember(
  router: Router,
  accountId: string,
  patch: OrganizationMemberPatch,
): void {
  organizationOf(router).updateMember(accountId, patch);
}

/** Adds a member, joined now. @throws TypeError without an organization or for a bad member. */
export function addOrganizationMember(router: Router, member: StandinOrganizationMember): void {
  organizationOf(router).addMember(member, wholeSeconds(router.now()));
}

function organizationOf(router: Router): OrganizationIndex {
  const organization = router.world.organization();
  if (!organization) throw new TypeError("the stand-in world has no organization");
  return organization;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
