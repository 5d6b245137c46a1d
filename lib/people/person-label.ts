/**
 * How admin pages, the audit log and configuration files name a person: by the email of their
 * identities (docs/SECURITY.md "People").
 */

/** The identities a label needs, oldest first (so a person's name doesn't change on a new link). */
export const personIdentitiesSelect = {
  select: {
    identities: {
      select: { email: true, subject: true, issuer: true } as const,
      orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }],
    },
  },
};

export interface PersonIdentities {
  identities: ReadonlyArray<{ email: string | null; subject: string; issuer: string }>;
}

/** The first email of the person's identities, or null when no identity carries one. */
export function personEmail(person: PersonIdentities): string | null {
  return person.identities.find((i) => i.email)?.email ?? null;
}

/** "bob@corp.example", or "bob@corp.example / robert@corp.example" when identities differ. */
export function personLabel(person: PersonIdentities): string {
  const names = [...new Set(person.identities.map((i) => (i.email ?? i.subject).toLowerCase()))];
  return names.length > 0 ? names.join(" / ") : "(no identity)";
}

/** Said when only identities whose IdP did not verify an email carry it: it names nobody. */
export const UNVERIFIED_EMAIL =
  "An identity has this email, but its identity provider did not verify it, so it may not be theirs: Gatehouse names a person only by a verified email. Have the IdP verify it (OIDC email_verified), or grant a group.";

export const AMBIGUOUS_EMAIL =
  "Several people (identities from different identity providers that are not linked) have this email: link them on Admin → People, or grant a group.";
