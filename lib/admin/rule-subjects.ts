import "server-only";
import type { Approver } from "@/lib/access-requests/approvers";
import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { listIdentityProviders } from "@/lib/identity/identity-providers";
import { AMBIGUOUS_EMAIL, UNVERIFIED_EMAIL } from "@/lib/people/person-label";
import { tooFewApprovers, type RuleValues } from "./rule-input";

/** Who a rule names (its group's IdP, its person, its approvers), checked against the database. */

type Tx = Pick<Db, "user" | "samlIdentityProvider" | "$queryRaw">;

/** A rule may trust a group from one IdP only if the portal knows that IdP. */
export async function checkGroupIssuer(
  tx: Tx,
  values: RuleValues,
): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }> {
  if (values.groupIssuer === null) return { ok: true };
  const known = await listIdentityProviders(tx, getConfig());
  return known.some((idp) => idp.issuer === values.groupIssuer)
    ? { ok: true }
    : {
        ok: false,
        errors: {
          groupIssuer:
            "The portal knows no identity provider with this issuer: choose one from the list, or any.",
        },
      };
}

/**
 * The person a rule names by email, in any letter case. Only an email the identity's IdP verified
 * names anyone: one it did not vouch for may have been typed by anybody, and would hand them the
 * rule. Identities of one person may share it (that is one person); identities of several unlinked
 * people sharing it is ambiguous: say so.
 */
export async function resolvePerson(
  tx: Tx,
  email: string,
): Promise<{ ok: true; personId: string } | { ok: false; errors: Record<string, string> }> {
  // lower() on both sides: neither database's equality ignores case.
  const identities = await tx.$queryRaw<Array<{ personId: string; emailVerified: boolean }>>`
    SELECT "personId", "emailVerified" FROM "User" WHERE lower("email") = lower(${email})`;
  const persons = [...new Set(identities.filter((i) => i.emailVerified).map((i) => i.personId))];
  const [first] = persons;
  if (!first) {
    const unknown =
      "No user with this email has signed in to Gatehouse yet. Ask them to sign in once, or grant their group.";
    return { ok: false, errors: { userEmail: identities.length > 0 ? UNVERIFIED_EMAIL : unknown } };
  }
  if (persons.length > 1) return { ok: false, errors: { userEmail: AMBIGUOUS_EMAIL } };
  return { ok: true, personId: first };
}

/**
 * The stored approvers of an eligible rule: groups as named, people resolved by email (each must
 * be one person who has signed in), and never the rule's own person as the only approver.
 */
export async function approversJsonOf(
  tx: Tx,
  values: RuleValues,
  personId: string | null,
): Promise<{ ok: true; json: string } | { ok: false; errors: Record<string, string> }> {
  if (!values.eligible) return { ok: true, json: "[]" };
  const approvers: Approver[] = values.eligible.approverGroups.map((group) => ({
    group,
    issuer: null,
  }));
  for (const email of values.eligible.approverEmails) {
    const person = await resolvePerson(tx, email);
    if (!person.ok)
      return {
        ok: false,
        errors: { approvers: `${email}: ${person.errors.userEmail ?? "unknown"}` },
      };
    approvers.push({ personId: person.personId, email });
  }
  if (personId !== null && approvers.every((a) => "personId" in a && a.personId === personId))
    return {
      ok: false,
      errors: {
        approvers: "Nobody approves their own request: name someone other than the requester.",
      },
    };
  const people = new Set(approvers.flatMap((a) => ("personId" in a ? [a.personId] : [])));
  if (personId !== null) people.delete(personId);
  const required = values.eligible.approvalsRequired;
  if (approvers.every((a) => "personId" in a) && people.size < required)
    return { ok: false, errors: { approvalsRequired: tooFewApprovers(required, people.size) } };
  return { ok: true, json: JSON.stringify(approvers) };
}
