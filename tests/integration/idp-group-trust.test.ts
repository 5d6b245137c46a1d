// Group trust per identity provider (docs/SECURITY.md "Trust per IdP"): the admin and auditor
// groups count only from IdPs marked as trusted for them — the OIDC IdP of the configuration by
// default, a SAML IdP only once an admin ticks it (audited) — and an access rule may name a group
// of one IdP, so another IdP asserting the same group name gets nothing from it.
// A SAML IdP added for one department that sends groups=gatehouse-admins must not make an admin.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSamlIdpEnabled } from "@/lib/admin/saml-idp-enabled";
import { setSamlIdpTrust } from "@/lib/admin/saml-idp-trust";
import { updateSamlIdpSettings } from "@/lib/admin/saml-idp-edit";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import { parseDetails } from "../support/portal-assertions";
import { roleIdOf, sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { roleIdsOnAccountsPage, signInWithDemoSaml } from "../support/saml-portal";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let samlIdpId: string;
let samlEntityId: string;

const admin: AuditActor = {
  userId: null,
  issuer: "test",
  subject: "idp-group-trust",
  email: "root@corp.example",
  groups: ["gatehouse-admins"],
};
/** As the stack runs: OIDC configured, its groups trusted (the default). */
const OIDC_TRUSTED = { oidcTrusted: true };
const meta = () => ({ requestId: randomUUID(), ip: "127.0.0.1", userAgent: "vitest" });

beforeAll(async () => {
  // The demo SAML IdP asserts the same directory as the OIDC one (alice in gatehouse-admins,
  // dave in gatehouse-auditors) but starts untrusted, as a newly added IdP does.
  stack = await startTestStack({ saml: { trustedForPrivileges: false } });
  const idp = await stack.db.samlIdentityProvider.findUniqueOrThrow({
    where: { slug: "corp-saml" },
  });
  samlIdpId = idp.id;
  samlEntityId = idp.entityId;
});

afterAll(async () => {
  await stack?.stop();
});

async function samlSession(username: string): Promise<PortalSession> {
  const { browser } = await signInWithDemoSaml(stack, username);
  return sessionFor(stack, browser.jar);
}

/** What an auditor route answers this session: 200 for an admin or auditor, else 403. */
async function auditExportStatus(session: PortalSession): Promise<number> {
  const res = await session.request("/api/admin/audit/export?format=jsonl");
  await res.arrayBuffer();
  return res.status;
}

async function adminPageStatus(session: PortalSession): Promise<number> {
  const res = await session.request("/admin/accounts");
  await res.arrayBuffer();
  return res.status;
}

describe("the admin and auditor groups count only from trusted IdPs", () => {
  it("an untrusted SAML IdP asserting the admin group makes no admin, and no auditor", async () => {
    const alice = await samlSession("alice");
    expect(await adminPageStatus(alice)).toBe(403);
    expect(await auditExportStatus(alice)).toBe(403);
    const dave = await samlSession("dave");
    expect(await auditExportStatus(dave)).toBe(403);
    // Their ordinary access is untouched: alice still sees the developers' roles.
    const page = await alice.request("/accounts");
    expect(roleIdsOnAccountsPage(await page.text())).toContain(
      await roleIdOf(stack, "acme-staging", "Developer"),
    );
  });

  it("the OIDC IdP of the configuration is trusted by default", async () => {
    const alice = await signIn(stack, "alice");
    expect(await adminPageStatus(alice)).toBe(200);
    expect(await auditExportStatus(await signIn(stack, "dave"))).toBe(200);
  });

  it("an admin trusting the IdP takes effect at the next request, audited; untrusting undoes it", async () => {
    const alice = await samlSession("alice");
    expect(await adminPageStatus(alice)).toBe(403);
    const grant = meta();
    expect(await setSamlIdpTrust(stack.db, samlIdpId, true, admin, grant, OIDC_TRUSTED)).toEqual({
      ok: true,
    });
    expect(await adminPageStatus(alice)).toBe(200);
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: grant.requestId },
    });
    expect(audit).toMatchObject({ action: "admin.saml-idp.updated", outcome: "success" });
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      idp: "corp-saml",
      before: { trustedForPrivileges: false },
      after: { trustedForPrivileges: true },
    });
    expect(await setSamlIdpTrust(stack.db, samlIdpId, false, admin, meta(), OIDC_TRUSTED)).toEqual({
      ok: true,
    });
    expect(await adminPageStatus(alice)).toBe(403);
  });

  it("a disabled IdP's groups are not trusted even if it was ticked", async () => {
    await setSamlIdpTrust(stack.db, samlIdpId, true, admin, meta(), OIDC_TRUSTED);
    const alice = await samlSession("alice");
    expect(await adminPageStatus(alice)).toBe(200);
    await stack.db.samlIdentityProvider.update({
      where: { id: samlIdpId },
      data: { enabled: false },
    });
    try {
      expect(await adminPageStatus(alice)).not.toBe(200);
    } finally {
      await stack.db.samlIdentityProvider.update({
        where: { id: samlIdpId },
        data: { enabled: true, trustedForPrivileges: false },
      });
    }
  });
});

describe("the last IdP whose groups make administrators can't be untrusted or disabled", () => {
  const OIDC_UNTRUSTED = { oidcTrusted: false };

  it("untrusting it is refused, explained, audited as denied, and changes nothing", async () => {
    await setSamlIdpTrust(stack.db, samlIdpId, true, admin, meta(), OIDC_TRUSTED);
    try {
      const request = meta();
      const result = await setSamlIdpTrust(
        stack.db,
        samlIdpId,
        false,
        admin,
        request,
        OIDC_UNTRUSTED,
      );
      expect(result).toMatchObject({ ok: false, reason: "last_privileged_idp" });
      expect(result.ok === false && result.message).toContain(
        "the only identity provider whose groups can make an administrator",
      );
      const row = await stack.db.samlIdentityProvider.findUniqueOrThrow({
        where: { id: samlIdpId },
      });
      expect(row.trustedForPrivileges).toBe(true);
      const audit = await stack.db.auditEvent.findFirstOrThrow({
        where: { requestId: request.requestId },
      });
      expect(audit).toMatchObject({ action: "admin.saml-idp.updated", outcome: "denied" });
    } finally {
      await setSamlIdpTrust(stack.db, samlIdpId, false, admin, meta(), OIDC_TRUSTED);
    }
  });

  it("disabling it is refused the same way", async () => {
    await setSamlIdpTrust(stack.db, samlIdpId, true, admin, meta(), OIDC_TRUSTED);
    try {
      const result = await setSamlIdpEnabled(stack.db, samlIdpId, false, admin, meta(), {
        oidcConfigured: true,
        oidcTrusted: false,
      });
      expect(result).toMatchObject({ ok: false, reason: "last_privileged_idp" });
      const row = await stack.db.samlIdentityProvider.findUniqueOrThrow({
        where: { id: samlIdpId },
      });
      expect(row.enabled).toBe(true);
    } finally {
      await setSamlIdpTrust(stack.db, samlIdpId, false, admin, meta(), OIDC_TRUSTED);
    }
  });

  it("changing its entity ID is refused the same way: every admin it signed in would lose their rights", async () => {
    await setSamlIdpTrust(stack.db, samlIdpId, true, admin, meta(), OIDC_TRUSTED);
    try {
      const before = await stack.db.samlIdentityProvider.findUniqueOrThrow({
        where: { id: samlIdpId },
      });
      const settings = {
        displayName: before.displayName,
        entityId: "https://renamed.example/idp",
        ssoUrl: before.ssoUrl,
        sloUrl: before.sloUrl ?? "",
        groupsAttribute: before.groupsAttribute,
        userKeyAttribute: before.userKeyAttribute ?? "",
        emailAttribute: before.emailAttribute ?? "",
        displayNameAttribute: before.displayNameAttribute ?? "",
        allowIdpInitiated: before.allowIdpInitiated,
        requireSignedResponse: before.requireSignedResponse,
        awsAppUrl: before.awsAppUrl ?? "",
        metadataUrl: before.metadataUrl ?? "",
      };
      const version = before.updatedAt.getTime();
      const request = meta();
      const refused = await updateSamlIdpSettings(
        stack.db,
        samlIdpId,
        version,
        settings,
        admin,
        request,
        OIDC_UNTRUSTED,
      );
      expect(refused).toMatchObject({ ok: false, reason: "invalid" });
      expect(refused.ok === false && refused.errors.entityId).toContain(
        "the only identity provider whose groups can make an administrator",
      );
      expect(
        await stack.db.samlIdentityProvider.findUniqueOrThrow({ where: { id: samlIdpId } }),
      ).toEqual(before);
      const audit = await stack.db.auditEvent.findFirstOrThrow({
        where: { requestId: request.requestId },
      });
      expect(audit).toMatchObject({ action: "admin.saml-idp.updated", outcome: "denied" });
      // Other settings of the same IdP still save.
      const renamed = await updateSamlIdpSettings(
        stack.db,
        samlIdpId,
        version,
        { ...settings, entityId: before.entityId, displayName: "Corp SSO" },
        admin,
        meta(),
        OIDC_UNTRUSTED,
      );
      expect(renamed).toMatchObject({ ok: true });
      // With the OIDC IdP trusted there is another way to administer: the change is allowed.
      const moved = await updateSamlIdpSettings(
        stack.db,
        samlIdpId,
        renamed.ok ? renamed.version : 0,
        settings,
        admin,
        meta(),
        OIDC_TRUSTED,
      );
      expect(moved).toMatchObject({ ok: true });
      const back = await updateSamlIdpSettings(
        stack.db,
        samlIdpId,
        moved.ok ? moved.version : 0,
        { ...settings, entityId: before.entityId, displayName: before.displayName },
        admin,
        meta(),
        OIDC_TRUSTED,
      );
      expect(back).toMatchObject({ ok: true });
    } finally {
      await setSamlIdpTrust(stack.db, samlIdpId, false, admin, meta(), OIDC_TRUSTED);
    }
  });

  it("with the OIDC IdP trusted, untrusting the SAML IdP is allowed", async () => {
    await setSamlIdpTrust(stack.db, samlIdpId, true, admin, meta(), OIDC_TRUSTED);
    expect(
      await setSamlIdpTrust(stack.db, samlIdpId, false, admin, meta(), { oidcTrusted: true }),
    ).toEqual({ ok: true });
  });
});

describe("a rule may trust a group from one IdP only", () => {
  it("a group rule limited to the OIDC IdP grants nothing to the same group asserted over SAML, and vice versa", async () => {
    // The DataScience role is granted to bob alone: grant it to the developers of one IdP, and
    // look at it as alice (a developer).
    const roleId = await roleIdOf(stack, "acme-sandbox", "DataScience");
    const oidcIssuer = (
      await stack.db.user.findFirstOrThrow({
        where: { email: "alice@corp.example", NOT: { issuer: samlEntityId } },
      })
    ).issuer;
    const rule = await stack.db.accessRule.create({
      data: {
        roleId,
        groupName: "developers",
        groupIssuer: oidcIssuer,
        maxSessionDurationSeconds: 3600,
        createdBy: "test",
        updatedBy: "test",
      },
    });
    try {
      const viaOidc = await signIn(stack, "alice");
      const viaSaml = await samlSession("alice");
      const rolesOf = async (s: PortalSession) =>
        roleIdsOnAccountsPage(await (await s.request("/accounts")).text());
      expect(await rolesOf(viaOidc)).toContain(roleId);
      expect(await rolesOf(viaSaml)).not.toContain(roleId);
      // Picking the role anyway over SAML is refused like any role that isn't yours.
      const res = await viaSaml.request(`/api/roles/${roleId}/credentials`, {
        method: "POST",
        json: { durationSeconds: 900 },
      });
      expect(res.status).toBe(404);
      await res.arrayBuffer();

      await stack.db.accessRule.update({
        where: { id: rule.id },
        data: { groupIssuer: samlEntityId },
      });
      expect(await rolesOf(viaOidc)).not.toContain(roleId);
      expect(await rolesOf(viaSaml)).toContain(roleId);
    } finally {
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});
