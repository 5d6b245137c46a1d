import type { Metadata } from "next";
import { PageFrame } from "@/components/page-frame";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { issuerLabel, listIdentityProviders } from "@/lib/identity/identity-providers";
import { searchPeople, type PersonView } from "@/lib/people/people";
import { PeoplePager } from "@/components/people-pager";
import { PersonRevocationNotice, RevokePersonForm } from "@/components/person-revocation";
import { UtcTime } from "@/components/utc-time";
import { revocationNoticeOf } from "@/lib/people/revocation-notice";
import { linkIdentity, revokePersonAction, setLinkByEmail, unlinkIdentityAction } from "./actions";

export const metadata: Metadata = { title: "People" };

const NOTICES: Record<string, { text: string; tone: "ok" | "warn" }> = {
  linked: { text: "Linked. That identity now signs in as this person.", tone: "ok" },
  unlinked: {
    text: "Unlinked. That identity is now a person of its own, with no user rules or favorites.",
    tone: "ok",
  },
  policy_saved: { text: "Saved. It applies to identities first seen from now on.", tone: "ok" },
  not_found: { text: "That person or identity no longer exists. Search again.", tone: "warn" },
  same_person: { text: "That identity already belongs to this person.", tone: "warn" },
  only_identity: {
    text: "That is the person's only identity: there is nothing to unlink it from.",
    tone: "warn",
  },
  choose_identity: { text: "Choose the identity to link.", tone: "warn" },
};

/** How an identity joined its person, under the date it did (docs/SECURITY.md "People"). */
const JOINED_HOW: Record<string, string> = {
  first: "first identity",
  admin: "linked by an admin",
  email: "linked by verified email",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function PeoplePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const q = typeof params.q === "string" ? params.q.slice(0, 200) : "";
  const pageNumber =
    typeof params.page === "string" && /^[1-9]\d{0,4}$/.test(params.page) ? Number(params.page) : 1;
  const { user } = await requirePrivilegedPage(
    "admin",
    q ? `/admin/people?q=${encodeURIComponent(q)}` : "/admin/people",
  );
  const notice = typeof params.notice === "string" ? NOTICES[params.notice] : undefined;
  const revocation = params.notice === "revoked" ? await revocationNoticeOf(getDb(), params) : null;
  const db = getDb();
  const config = getConfig();
  const [{ people, more }, idps, samlIdps] = await Promise.all([
    searchPeople(db, q, pageNumber),
    listIdentityProviders(db, config),
    db.samlIdentityProvider.findMany({
      select: { id: true, slug: true, displayName: true, linkByEmail: true, enabled: true },
      orderBy: { displayName: "asc" },
    }),
  ]);
  // Two IdPs may share a display name (the demo's OIDC and SAML do): say which kind each is.
  const label = (issuer: string) => {
    const kind = idps.find((idp) => idp.issuer === issuer)?.kind;
    return `${issuerLabel(issuer, idps)}${kind ? ` (${kind === "oidc" ? "OIDC" : "SAML"})` : ""}`;
  };
  return (
    <PageFrame user={user} mainClassName="space-y-8 py-8">
      {notice && (
        <p
          role={notice.tone === "warn" ? "alert" : "status"}
          className={`rounded-md border px-3 py-2 text-sm ${notice.tone === "warn" ? "border-amber-200 bg-amber-50 text-amber-900" : "border-emerald-200 bg-emerald-50 text-emerald-900"}`}
          data-testid="notice"
        >
          {notice.text}
        </p>
      )}
      {revocation && <PersonRevocationNotice {...revocation} />}
      <section className="space-y-2">
        <h1 className="text-2xl font-semibold">People</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          A person signs in with one or more identities — one per identity provider. Rules that name
          a user, favorites and recently used roles belong to the person, whichever identity they
          sign in with; groups count as the identity provider that signed them in asserts them. Link
          two identities only when you know they are the same person.
        </p>
        <form method="get" className="flex max-w-xl gap-2" role="search">
          <label htmlFor="people-q" className="sr-only">
            Search people
          </label>
          <input
            id="people-q"
            name="q"
            defaultValue={q}
            placeholder="Email, name or exact subject"
            className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          />
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
          >
            Search
          </button>
        </form>
      </section>

      <section className="space-y-4" data-testid="people-list">
        {people.length === 0 && (
          <p className="text-sm text-slate-600">
            {pageNumber > 1
              ? "No more people."
              : q
                ? `No identity matches “${q}”.`
                : "Nobody has signed in yet."}
          </p>
        )}
        {people.map((person) => (
          <PersonCard
            key={person.id}
            person={person}
            others={people.filter((p) => p.id !== person.id)}
            q={q}
            pageNumber={pageNumber}
            label={label}
          />
        ))}
        <PeoplePager q={q} page={pageNumber} more={more} shown={people.length} />
      </section>

      <section className="space-y-2" data-testid="link-by-email">
        <h2 className="text-lg font-semibold">Linking by verified email (optional)</h2>
        <p className="max-w-3xl text-sm text-slate-600">
          Identity providers marked here are one directory: a new identity from one of them whose
          verified email matches exactly one person&apos;s identity from another joins that person
          on its first sign-in (audited with the sign-in). Identities already known are never moved.
          OIDC ({config.oidc?.displayName ?? "not configured"}):{" "}
          <strong>{config.oidc?.linkByEmail ? "marked" : "not marked"}</strong> (set by{" "}
          <code className="font-mono">OIDC_LINK_BY_EMAIL</code>).
        </p>
        {samlIdps.length > 0 && (
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm shadow-sm">
            {samlIdps.map((idp) => (
              <li key={idp.id} className="flex items-center justify-between gap-3 px-3 py-2">
                <span>
                  {idp.displayName} <span className="text-slate-500">({idp.slug})</span>
                  {!idp.enabled && <span className="text-slate-500"> · disabled</span>}
                </span>
                <form action={setLinkByEmail}>
                  <input type="hidden" name="id" value={idp.id} />
                  <input type="hidden" name="q" value={q} />
                  <input type="hidden" name="page" value={String(pageNumber)} />
                  <input type="hidden" name="linkByEmail" value={String(!idp.linkByEmail)} />
                  <button
                    type="submit"
                    data-testid={`link-by-email-${idp.slug}`}
                    className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
                  >
                    {idp.linkByEmail
                      ? "Same directory — stop linking"
                      : "Not linked — mark as same directory"}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </PageFrame>
  );
}

function PersonCard({
  person,
  others,
  q,
  pageNumber,
  label,
}: {
  person: PersonView;
  others: PersonView[];
  q: string;
  pageNumber: number;
  label: (issuer: string) => string;
}) {
  const candidates = others.flatMap((p) => p.identities);
  return (
    <article
      className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
      data-testid="person"
      data-person-id={person.id}
    >
      {/* On a phone the table scrolls sideways in the card (its email and subject keep a readable
          width); relative, so it also clips the header's absolutely placed screen-reader text. */}
      <div className="relative overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-3 py-2">Identity provider</th>
              <th className="px-3 py-2">Email</th>
              <th className="px-3 py-2">Subject</th>
              <th className="px-3 py-2">Joined</th>
              <th className="px-3 py-2">Last sign-in</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {person.identities.map((i) => (
              <tr key={i.id} data-testid="identity">
                <td className="px-3 py-2">{label(i.issuer)}</td>
                <td className="min-w-44 px-3 py-2 [overflow-wrap:anywhere]">
                  {i.email ?? "—"}
                  {i.displayName && <span className="text-slate-500"> · {i.displayName}</span>}
                </td>
                <td className="min-w-36 px-3 py-2 font-mono text-xs break-all">{i.subject}</td>
                <td className="px-3 py-2 whitespace-nowrap text-slate-600" data-testid="joined">
                  <UtcTime value={i.createdAt} />
                  <div className="text-xs text-slate-500">{JOINED_HOW[i.linkedBy ?? "first"]}</div>
                </td>
                <td
                  className="px-3 py-2 whitespace-nowrap text-slate-600"
                  data-testid="last-sign-in"
                >
                  {i.lastLoginAt ? <UtcTime value={i.lastLoginAt} /> : "never"}
                </td>
                <td className="px-3 py-2 text-right">
                  {person.identities.length > 1 && (
                    <form action={unlinkIdentityAction}>
                      <input type="hidden" name="identityId" value={i.id} />
                      <input type="hidden" name="q" value={q} />
                      <input type="hidden" name="page" value={String(pageNumber)} />
                      <button
                        type="submit"
                        className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
                        aria-label={`Unlink ${i.email ?? i.subject} (${label(i.issuer)})`}
                      >
                        Unlink
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-3 py-2 text-sm text-slate-600">
        <span>
          {person.ruleCount} user rule{person.ruleCount === 1 ? "" : "s"} · {person.favoriteCount}{" "}
          favorite{person.favoriteCount === 1 ? "" : "s"}
        </span>
        <RevokePersonForm
          personId={person.id}
          q={q}
          page={pageNumber}
          who={person.identities[0]?.email ?? person.identities[0]?.subject ?? "this person"}
          action={revokePersonAction}
        />
        {candidates.length > 0 && (
          <form action={linkIdentity} className="flex flex-wrap items-center gap-2">
            <input type="hidden" name="personId" value={person.id} />
            <input type="hidden" name="q" value={q} />
            <input type="hidden" name="page" value={String(pageNumber)} />
            <label className="text-xs text-slate-500" htmlFor={`link-${person.id}`}>
              Link to this person:
            </label>
            <select
              id={`link-${person.id}`}
              name="identityId"
              className="max-w-xs rounded-md border border-slate-300 px-2 py-1 text-xs"
              defaultValue=""
            >
              <option value="" disabled>
                Choose an identity…
              </option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.email ?? c.subject} — {label(c.issuer)}
                </option>
              ))}
            </select>
            <button
              type="submit"
              className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
            >
              Link
            </button>
          </form>
        )}
      </div>
    </article>
  );
}
