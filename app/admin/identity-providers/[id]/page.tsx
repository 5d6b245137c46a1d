import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminPageShell } from "@/components/admin-page-shell";
import { SamlIdpCertificates } from "@/components/saml-idp-certificates";
import { SamlIdpEditForm } from "@/components/saml-idp-edit-form";
import { SamlIdpRefresh } from "@/components/saml-idp-refresh";
import { findSamlIdpForEdit } from "@/lib/admin/saml-idp-edit";
import { isId } from "@/lib/admin/database-id";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";
import {
  addIdentityProviderCertificate,
  removeIdentityProviderCertificate,
  updateIdentityProvider,
} from "../edit-actions";
import { applyIdentityProviderRefresh, previewIdentityProviderRefresh } from "../refresh-actions";

export const metadata: Metadata = { title: "Identity provider" };

type Params = Promise<{ id: string }>;

export default async function EditIdentityProviderPage({ params }: { params: Params }) {
  const { id } = await params;
  const { user } = await requirePrivilegedPage(
    "admin",
    `/admin/identity-providers/${encodeURIComponent(id)}`,
  );
  const idp = isId(id) ? await findSamlIdpForEdit(getDb(), id) : null;
  if (!idp) notFound();
  const version = String(idp.version);
  return (
    <AdminPageShell
      user={user}
      crumbs={[
        { label: "Identity providers", href: "/admin/identity-providers" },
        { label: idp.displayName },
      ]}
    >
      <section>
        <h1 className="text-2xl font-semibold">{idp.displayName}</h1>
        <p className="mt-1 text-sm text-slate-600" data-testid="idp-fixed">
          Short name <code className="font-mono">{idp.slug}</code> — fixed: it is in this IdP&apos;s
          login and sign-in URLs. {idp.enabled ? "Enabled" : "Disabled"};{" "}
          {idp.trustedForPrivileges
            ? "its groups can make administrators and auditors"
            : "its groups can't make administrators or auditors"}{" "}
          (change both on the list of identity providers).
        </p>
      </section>
      <SamlIdpEditForm
        action={updateIdentityProvider}
        initial={{
          id: idp.id,
          version,
          displayName: idp.displayName,
          entityId: idp.entityId,
          ssoUrl: idp.ssoUrl,
          sloUrl: idp.sloUrl ?? "",
          metadataUrl: idp.metadataUrl ?? "",
          groupsAttribute: idp.groupsAttribute,
          userKeyAttribute: idp.userKeyAttribute ?? "",
          emailAttribute: idp.emailAttribute ?? "",
          displayNameAttribute: idp.displayNameAttribute ?? "",
          awsAppUrl: idp.awsAppUrl ?? "",
          allowIdpInitiated: idp.allowIdpInitiated ? "on" : "",
          requireSignedResponse: idp.requireSignedResponse ? "on" : "",
        }}
      />
      <SamlIdpCertificates
        id={idp.id}
        version={version}
        certificates={idp.certificates}
        addAction={addIdentityProviderCertificate}
        removeAction={removeIdentityProviderCertificate}
      />
      <SamlIdpRefresh
        id={idp.id}
        version={version}
        metadataUrl={idp.metadataUrl}
        previewAction={previewIdentityProviderRefresh}
        applyAction={applyIdentityProviderRefresh}
      />
    </AdminPageShell>
  );
}
