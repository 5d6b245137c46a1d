import type { AwsPartition } from "@/lib/aws/partitions";
import type { PeopleDirectory } from "./current-state";
import type { FieldErrors } from "@/lib/admin/admin-result";
import type { DocPath } from "./document";

/** What validating a file needs to know about the database. */
export interface ValidationContext {
  now: Date;
  /** The broker's partition: roles and SAML providers of another are refused. */
  partition: AwsPartition;
  /** Every identity and its person, to resolve `user:` and a request's approvers. */
  people: PeopleDirectory;
  /** The issuers of the identity providers the portal knows (for a group's `idp:`). */
  knownIssuers: ReadonlySet<string>;
  /** The stored expiry of the rule with this key: an unchanged past expiry may stay. */
  previousExpiresAt(ruleKey: string): Date | null | undefined;
}

/** Records one problem at a place in the file. */
export type Report = (path: DocPath, message: string) => void;

/** The shape of an email: what the admin forms accept before looking the person up. */
export const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/**
 * Reports an admin form's field errors at the file's places: `names` maps a form field to the
 * document's name for it (or its path under the entry); "" or "form" is the entry itself.
 */
export function reportFields(
  errors: FieldErrors,
  at: DocPath,
  names: Record<string, string | DocPath>,
  report: Report,
) {
  for (const [field, message] of Object.entries(errors)) {
    const name = field in names ? names[field] : field;
    if (name === "" || name === "form" || name === undefined) report(at, message);
    else report([...at, ...(typeof name === "string" ? [name] : name)], message);
  }
}
