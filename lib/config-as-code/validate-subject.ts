import "server-only";
import { AMBIGUOUS_EMAIL } from "@/lib/people/person-label";
import { identityKey, type PeopleDirectory } from "./current-state";
import type { DocPath, RuleEntry } from "./document";
import type { Subject, UserRef } from "./state";
import { EMAIL_SHAPE, type Report, type ValidationContext } from "./validation-context";

/**
 * Finding the person a file names. A rule's `user:` and an eligible rule's approvers go through the
 * same lookups, so a name that is ambiguous (or unknown) for one is so for the other.
 */
export type PersonLookup = { ok: true; personId: string } | { ok: false; why: PersonNotFound };

/** Why a file's name for a person names nobody. */
export type PersonNotFound = "unknown" | "ambiguous" | "unverified";

/** The one person with an identity carrying this email (identities of one person count once). */
export function personByEmail(people: PeopleDirectory, email: string): PersonLookup {
  const found = [...(people.peopleByEmail.get(email.toLowerCase()) ?? [])];
  const [first] = found;
  if (!first)
    return {
      ok: false,
      why: people.unverifiedEmails.has(email.toLowerCase()) ? "unverified" : "unknown",
    };
  if (found.length > 1) return { ok: false, why: "ambiguous" };
  return { ok: true, personId: first };
}

/** The person of the identity `subject` at the IdP `idp` (its issuer). */
export function personByIdentity(
  people: PeopleDirectory,
  ref: { idp: string; subject: string },
): PersonLookup {
  const personId = people.personByIdentity.get(identityKey(ref.idp, ref.subject));
  return personId === undefined ? { ok: false, why: "unknown" } : { ok: true, personId };
}

/** Why a person could not be found, in a file's terms; `instead` says what else to write. */
export function personProblem(ref: UserRef, why: PersonNotFound, instead: string): string {
  if (why === "ambiguous") return `${AMBIGUOUS_EMAIL} Or name one: ${instead}.`;
  if (why === "unverified" && "email" in ref)
    return `Only identities whose identity provider did not verify it carry the email ${ref.email}, so it names nobody (anyone may have typed it). Name the person by ${instead}.`;
  return "email" in ref
    ? `No user with the email ${ref.email} has signed in to Gatehouse yet. Ask them to sign in once, or ${instead}.`
    : `No one has signed in to Gatehouse as ${ref.subject} at ${ref.idp} yet. Ask them to sign in once, or ${instead}.`;
}

/** A group's `idp:` must be an identity provider the portal knows; null when it is not (reported). */
export function knownIssuer(
  idp: string,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): string | null {
  const issuer = idp.trim();
  if (ctx.knownIssuers.has(issuer)) return issuer;
  report(
    at,
    `The portal knows no identity provider with the issuer "${issuer}" (the OIDC issuer URL or a SAML IdP's entity ID): leave idp out to accept the group from any IdP.`,
  );
  return null;
}

/** Who a rule names: a group (of any IdP, or of one) or one person. Null when invalid (reported). */
export function subjectOf(
  entry: RuleEntry,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): Subject | null {
  const hasGroup = entry.group !== undefined;
  const hasUser = entry.user !== undefined;
  if (hasGroup === hasUser) {
    report(at, "Name exactly one subject: `group: <IdP group>` or `user: <email>`.");
    return null;
  }
  if (hasGroup) {
    const group = (entry.group ?? "").trim();
    if (group === "") {
      report([...at, "group"], "Name the IdP group this rule grants to.");
      return null;
    }
    if (entry.idp === undefined) return { kind: "group", group, issuer: null };
    const issuer = knownIssuer(entry.idp, ctx, [...at, "idp"], report);
    return issuer === null ? null : { kind: "group", group, issuer };
  }
  if (entry.idp !== undefined) {
    report([...at, "idp"], "`idp:` goes with `group:`; a user is `user: { idp, subject }`.");
    return null;
  }
  const user = entry.user!;
  let ref: UserRef;
  let found: PersonLookup;
  if (typeof user !== "string") {
    ref = { idp: user.idp.trim(), subject: user.subject.trim() };
    found = personByIdentity(ctx.people, ref);
  } else {
    ref = { email: user.trim() };
    if (!EMAIL_SHAPE.test(ref.email)) {
      report(
        [...at, "user"],
        "Enter the email address of a user who has signed in before, or { idp, subject }.",
      );
      return null;
    }
    found = personByEmail(ctx.people, ref.email);
  }
  if (!found.ok) {
    const instead = found.why === "unknown" ? "grant their group" : "user: { idp, subject }";
    report([...at, "user"], personProblem(ref, found.why, instead));
    return null;
  }
  return { kind: "user", personId: found.personId, ref };
}
