import type { Metadata } from "next";
import Link from "next/link";
import { PageFrame } from "@/components/page-frame";
import { SamlIdpForm } from "@/components/saml-idp-form";
import { findSamlIdpsForAdmin } from "@/lib/admin/saml-idp-list";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { addIdentityProvider, setIdentityProviderTrust, toggleIdentityProvider } from "./actions";

export const metadata: Metadata = { title: "Identity providers" };

const NOTICES: Record<string, string> = {
  last_sign_in_method:
    "That identity provider is the only way to sign in (OIDC is not configured): disabling it would lock everyone out, administrators included. Add or enable another identity provider first.",
  not_found: "That identity provider no longer exists.",
  last_privileged_idp:
    "That identity provider is the only one whose groups can make an administrator: no longer trusting it would leave nobody able to administer Gatehouse. Trust another identity provider first.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function IdentityProvidersPage({
  searchParams,
}: {
  searchParams: SearchParams;
}) {
  const { user } = await requirePrivilegedPage("admin", "/admin/identity-providers");
  const { notice } = await searchParams;
  const noticeText = typeof notice === "string" ? NOTICES[notice] : undefined;
  const config = getConfig();
  const idps = await findSamlIdpsForAdmin(getDb());
  return (
    <PageFrame user={user} mainClassName="space-y-8 py-8">
      {noticeText && (
        <p
          role="alert"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="notice"
        >
          {noticeText}
        </p>
      )}
      <section>
        <h1 className="text-2xl font-semibold">Identity providers</h1>
        <p className="mt-1 text-sm text-slate-600" data-testid="idp-kinds">
          SAML identity providers are added and managed here. The OIDC one is set in the
          server&apos;s configuration (<code className="font-mono">OIDC_ISSUER</code>):{" "}
          {config.oidc ? <strong>{config.oidc.displayName}</strong> : "none configured"}.
        </p>
        <p className="mt-1 text-sm wrap-anywhere text-slate-600">
          Give your IdP admin the portal&apos;s SP metadata:{" "}
          <a
            className="font-mono text-indigo-700 underline"
            href={config.saml.metadataUrl}
            data-testid="sp-metadata-url"
          >
            {config.saml.metadataUrl}
          </a>{" "}
          (entity ID <code className="font-mono">{config.saml.spEntityId}</code>, ACS{" "}
          <code className="font-mono">{config.saml.acsUrl}</code>).
        </p>
      </section>
      <section className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full text-left text-sm" data-testid="idp-table">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Entity ID</th>
              <th className="px-3 py-2">Certs</th>
              <th className="px-3 py-2">Groups attribute</th>
              <th className="px-3 py-2">IdP-initiated</th>
              <th
                className="px-3 py-2"
                title="Whether this IdP's groups may make administrators and auditors"
              >
                Admin / auditor groups
              </th>
              <th className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {idps.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-4 text-slate-500">
                  No SAML identity provider yet.
                </td>
              </tr>
            )}
            {idps.map((idp) => (
              <tr key={idp.id}>
                <td className="px-3 py-2">
                  <Link
                    href={`/admin/identity-providers/${idp.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                    data-testid={`idp-edit-${idp.slug}`}
                  >
                    {idp.displayName}
                  </Link>{" "}
                  <span className="text-slate-500">({idp.slug})</span>
                </td>
                <td className="min-w-48 px-3 py-2 font-mono text-xs break-all">{idp.entityId}</td>
                <td className="px-3 py-2">{idp.certificateCount}</td>
                <td className="px-3 py-2 font-mono text-xs">{idp.groupsAttribute}</td>
                <td className="px-3 py-2">{idp.allowIdpInitiated ? "allowed" : "off"}</td>
                <td className="px-3 py-2">
                  <form action={setIdentityProviderTrust}>
                    <input type="hidden" name="id" value={idp.id} />
                    <input type="hidden" name="trusted" value={String(!idp.trustedForPrivileges)} />
                    <button
                      type="submit"
                      data-testid={`idp-trust-${idp.slug}`}
                      className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
                    >
                      {idp.trustedForPrivileges ? "Trusted — stop trusting" : "Ignored — trust"}
                    </button>
                  </form>
                </td>
                <td className="px-3 py-2">
                  <form action={toggleIdentityProvider}>
                    <input type="hidden" name="id" value={idp.id} />
                    <input type="hidden" name="enabled" value={String(!idp.enabled)} />
                    <button
                      type="submit"
                      className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
                    >
                      {idp.enabled ? "Enabled — disable" : "Disabled — enable"}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <SamlIdpForm action={addIdentityProvider} />
    </PageFrame>
  );
}
