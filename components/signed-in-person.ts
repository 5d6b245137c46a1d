"use client";

/**
 * Who is signed in on this page, as the header names them (`data-person`: the email, else the
 * name or subject), or null on a page without one (signed out). What a tab keeps across a sign-in
 * (kept-for-sign-in.ts, resume-intent.ts) records it, so someone else who signs in on a tab left
 * open is never offered what the last person was doing. The name, not an identity id: the same
 * person coming back through another IdP (OIDC, then the SAML IdP's AWS app) is still them. This
 * only decides what is offered; every action is authorized on the server for whoever is signed in.
 */
export function signedInPerson(): string | null {
  return document.querySelector("header[data-person]")?.getAttribute("data-person") ?? null;
}

/**
 * Whether something kept by `keptBy` may be offered now: kept by this same person, or kept while
 * signed out (a deep link opened before signing in belongs to whoever signs in next).
 */
export function keptForThisPerson(keptBy: unknown): boolean {
  return keptBy === null || keptBy === undefined || keptBy === signedInPerson();
}
