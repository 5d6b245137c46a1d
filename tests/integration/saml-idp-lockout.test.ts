// "Not lock everyone out": administrators are whoever an identity provider says is in
// GATEHOUSE_ADMIN_GROUP, so the only way an admin could lock everyone (admins included) out is to
// disable the last enabled sign-in method. With OIDC not configured, disabling the last enabled
// SAML identity provider is refused with an explanation and audited; with another way in, it is
// allowed. Run on the real database of the tier (SQLite and PostgreSQL), including two admins
// disabling the last two identity providers at the same moment: at most one may win. Disabling
// ends the sign-ins made through the IdP, under any entity ID it had, and a sign-in checked just
// before the disable opens no session after it.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import { setSamlIdpEnabled } from "@/lib/admin/saml-idp-enabled";
import { SignInIdpWithdrawn, startSignedInSession } from "@/lib/auth/start-signed-in-session";
import { findSamlIdpByEntityId } from "@/lib/saml/idp-registry";
import { upsertSignedInUser } from "@/lib/users/upsert-signed-in-user";
import type { Db } from "@/lib/db/client";
import { withTestDatabase } from "../support/test-database";

let db: Db;

const alice: AuditActor = {
  userId: null,
  issuer: "https://idp.corp.example",
  subject: "alice",
  email: "alice@corp.example",
  groups: ["gatehouse-admins"],
};
const meta = () => ({ requestId: randomUUID(), ip: "127.0.0.1", userAgent: "vitest" });
const SAML_ONLY = { oidcConfigured: false };
const WITH_OIDC = { oidcConfigured: true };

withTestDatabase((created) => {
  db = created;
});

let okta: string;
let entra: string;

beforeEach(async () => {
  await db.samlIdentityProvider.deleteMany();
  const make = (slug: string) =>
    db.samlIdentityProvider.create({
      data: {
        slug,
        displayName: slug === "okta" ? "Okta" : "Entra ID",
        entityId: `https://${slug}.example/entity`,
        ssoUrl: `https://${slug}.example/sso`,
        certificatesJson: "[]",
      },
    });
  okta = (await make("okta")).id;
  entra = (await make("entra")).id;
});

const enabled = async (id: string) =>
  (await db.samlIdentityProvider.findUniqueOrThrow({ where: { id } })).enabled;

describe("the last way to sign in cannot be disabled", () => {
  it("disabling one of two enabled identity providers is allowed", async () => {
    expect(await setSamlIdpEnabled(db, okta, false, alice, meta(), SAML_ONLY)).toEqual({
      ok: true,
    });
    expect(await enabled(okta)).toBe(false);
  });

  it("disabling the last enabled one is refused, explained, audited, and changes nothing", async () => {
    await setSamlIdpEnabled(db, okta, false, alice, meta(), SAML_ONLY);
    const request = meta();
    const result = await setSamlIdpEnabled(db, entra, false, alice, request, SAML_ONLY);
    expect(result).toMatchObject({ ok: false, reason: "last_sign_in_method" });
    expect(result.ok === false && result.message).toContain(
      "Entra ID is the only way to sign in (OIDC is not configured)",
    );
    expect(result.ok === false && result.message).toContain("administrators included");
    expect(await enabled(entra)).toBe(true);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { requestId: request.requestId } });
    expect(audit).toMatchObject({ action: "admin.saml-idp.updated", outcome: "denied" });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({
      idp: "entra",
      reason: "last sign-in method",
    });
  });

  it("with OIDC configured there is another way in: the last SAML identity provider may go", async () => {
    await setSamlIdpEnabled(db, okta, false, alice, meta(), WITH_OIDC);
    expect(await setSamlIdpEnabled(db, entra, false, alice, meta(), WITH_OIDC)).toEqual({
      ok: true,
    });
    expect(await enabled(entra)).toBe(false);
  });

  it("re-enabling is always allowed, and disabling an already disabled one is no lockout", async () => {
    await setSamlIdpEnabled(db, okta, false, alice, meta(), SAML_ONLY);
    expect((await setSamlIdpEnabled(db, okta, false, alice, meta(), SAML_ONLY)).ok).toBe(true);
    expect((await setSamlIdpEnabled(db, okta, true, alice, meta(), SAML_ONLY)).ok).toBe(true);
    expect(await enabled(okta)).toBe(true);
  });

  it("two admins disabling the last two at the same moment: one wins, the other is told why (five rounds)", async () => {
    for (let round = 0; round < 5; round += 1) {
      await db.samlIdentityProvider.updateMany({ data: { enabled: true } });
      // The loser of a serialization conflict reruns and then sees the winner's change.
      const results = await Promise.all([
        setSamlIdpEnabled(db, okta, false, alice, meta(), SAML_ONLY),
        setSamlIdpEnabled(db, entra, false, alice, meta(), SAML_ONLY),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ reason: "last_sign_in_method" });
      expect(await db.samlIdentityProvider.count({ where: { enabled: true } })).toBe(1);
    }
  });
});

describe("disabling an identity provider ends the sign-ins made through it", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const later = new Date(now.getTime() + 3_600_000);

  /** A person signed in through `slug`'s IdP: one portal session and one CLI token. */
  async function signedInThrough(
    slug: "okta" | "entra",
    issuer = `https://${slug}.example/entity`,
  ) {
    const person = await db.person.create({ data: {} });
    const user = await db.user.create({
      data: {
        personId: person.id,
        issuer,
        subject: `someone-${randomUUID()}`,
        roleSessionName: `someone-${slug}-${randomUUID().slice(0, 8)}`,
      },
    });
    const session = await db.portalSession.create({
      data: {
        id: randomUUID(),
        userId: user.id,
        method: "saml",
        expiresAt: later,
        // As every SAML sign-in records it (lib/saml/complete-saml-sign-in.ts).
        samlIdpId: slug === "okta" ? okta : entra,
      },
    });
    const token = await db.cliToken.create({
      data: {
        tokenHash: randomUUID(),
        userId: user.id,
        deviceName: "laptop",
        method: "saml",
        approvedBySessionId: session.id,
        createdAt: now,
        expiresAt: later,
      },
    });
    return { session: session.id, token: token.id };
  }
  const sessionRevoked = async (id: string) =>
    (await db.portalSession.findUniqueOrThrow({ where: { id } })).revokedAt;
  const tokenRevoked = async (id: string) =>
    (await db.cliToken.findUniqueOrThrow({ where: { id } })).revokedAt;

  it("its people's portal sessions and CLI tokens end at once and are counted in the audit; other IdPs' stay", async () => {
    const viaOkta = await signedInThrough("okta");
    const viaEntra = await signedInThrough("entra");
    const request = meta();
    expect(await setSamlIdpEnabled(db, okta, false, alice, request, WITH_OIDC, now)).toEqual({
      ok: true,
    });
    expect(await sessionRevoked(viaOkta.session)).toEqual(now);
    expect(await tokenRevoked(viaOkta.token)).toEqual(now);
    expect(await sessionRevoked(viaEntra.session)).toBeNull();
    expect(await tokenRevoked(viaEntra.token)).toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { requestId: request.requestId } });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({
      idp: "okta",
      after: { enabled: false },
      portalSessionsEnded: 1,
      cliTokensRevoked: 1,
    });
  });

  it("enabling ends nothing, and a refused disable ends nothing", async () => {
    const viaOkta = await signedInThrough("okta");
    const viaEntra = await signedInThrough("entra");
    expect((await setSamlIdpEnabled(db, okta, true, alice, meta(), SAML_ONLY, now)).ok).toBe(true);
    await setSamlIdpEnabled(db, entra, false, alice, meta(), SAML_ONLY, now);
    const refused = await setSamlIdpEnabled(db, okta, false, alice, meta(), SAML_ONLY, now);
    expect(refused).toMatchObject({ ok: false, reason: "last_sign_in_method" });
    expect(await sessionRevoked(viaOkta.session)).toBeNull();
    expect(await tokenRevoked(viaOkta.token)).toBeNull();
    expect(await sessionRevoked(viaEntra.session)).toEqual(now);
  });

  it("sign-ins made under the IdP's earlier entity ID end too when it is disabled", async () => {
    const underOldEntityId = await signedInThrough("okta");
    await db.samlIdentityProvider.update({
      where: { id: okta },
      data: { entityId: "https://okta.example/new-entity" },
    });
    const underNewEntityId = await signedInThrough("okta", "https://okta.example/new-entity");
    const request = meta();
    expect((await setSamlIdpEnabled(db, okta, false, alice, request, WITH_OIDC, now)).ok).toBe(
      true,
    );
    for (const signIn of [underOldEntityId, underNewEntityId]) {
      expect(await sessionRevoked(signIn.session)).toEqual(now);
      expect(await tokenRevoked(signIn.token)).toEqual(now);
    }
    const audit = await db.auditEvent.findFirstOrThrow({ where: { requestId: request.requestId } });
    expect(JSON.parse(audit.detailsJson)).toMatchObject({
      portalSessionsEnded: 2,
      cliTokensRevoked: 2,
    });
  });
});

// The ACS checks the assertion against an enabled IdP (findSamlIdpByEntityId), then opens the
// session (startSignedInSession). Driven here as those two steps, with the admin's change
// committed between them: the interleaving a real race would need luck to hit.
describe("a sign-in checked just before its IdP was disabled opens no session", () => {
  const now = new Date("2026-06-01T12:00:00Z");

  async function checkedSignIn() {
    const idp = await findSamlIdpByEntityId(db, "https://okta.example/entity");
    if (!idp) throw new Error("okta should be enabled");
    const user = await upsertSignedInUser(
      db,
      {
        issuer: idp.entityId,
        subject: `someone-${randomUUID()}`,
        email: null,
        displayName: null,
        groups: [],
        emailVerified: false,
      },
      now,
      { oidcIssuer: null },
    );
    const openSession = () =>
      startSignedInSession(db, {
        user,
        signedInThrough: { method: "saml", samlIdpId: idp.id },
        now,
        maxAgeSeconds: 3600,
        evidence: {
          mfaAuthenticated: false,
          authnContext: { method: "saml", authnContextClassRefs: [] },
        },
        tags: { tags: {}, problems: [] },
        meta: meta(),
      });
    return { user, openSession };
  }

  const between: Array<[string, () => Promise<unknown>]> = [
    ["disabled", () => setSamlIdpEnabled(db, okta, false, alice, meta(), WITH_OIDC, now)],
    [
      "given another entity ID",
      () =>
        db.samlIdentityProvider.update({
          where: { id: okta },
          data: { entityId: "https://okta.example/other-entity" },
        }),
    ],
  ];

  it.each(between)("the IdP %s after the check: refused, no session", async (_, change) => {
    const { user, openSession } = await checkedSignIn();
    await change();
    await expect(openSession()).rejects.toBeInstanceOf(SignInIdpWithdrawn);
    expect(await db.portalSession.count({ where: { userId: user.id } })).toBe(0);
    const signIns = await db.auditEvent.count({
      where: { action: "auth.sign-in", actorSubject: user.subject },
    });
    expect(signIns).toBe(0);
  });

  it("the IdP unchanged: the session opens, and the IdP's version (updatedAt) stays put", async () => {
    const before = await db.samlIdentityProvider.findUniqueOrThrow({ where: { id: okta } });
    const { user, openSession } = await checkedSignIn();
    const session = await openSession();
    const row = await db.portalSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(row).toMatchObject({ userId: user.id, method: "saml", revokedAt: null });
    expect(await db.samlIdentityProvider.findUniqueOrThrow({ where: { id: okta } })).toEqual(
      before,
    );
  });
});
