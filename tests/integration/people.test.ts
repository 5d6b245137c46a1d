// People, not logins (docs/SECURITY.md "People"): a person has one or more identities — one
// subject at one IdP each. An admin links and unlinks identities (audited); an optional policy
// links a new identity by verified email among IdPs marked as one directory. Favorites, recents,
// user rules, the access review and Explain work on the person, and config-as-code names people so
// that export → import changes nothing in every state.
// The same person signing in with OIDC and with SAML is one person: the same favorites and
// recents, a user rule reaching both identities, the access review listing the email once, Explain
// answering once, and a config export that re-imports.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { personSharingVerifiedEmail } from "@/lib/people/link-by-email";
import { parseDetails, sectionRoleIds } from "../support/portal-assertions";
import { roleIdOf, sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { roleIdsOnAccountsPage, signInWithDemoSaml } from "../support/saml-portal";
import { act } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let samlIdp: { id: string; entityId: string };
let oidcIssuer: string;
let roles: { stagingDeveloper: string; prodAdministrator: string };

beforeAll(async () => {
  // The demo SAML IdP asserts the same people as the OIDC one (same emails, its own subjects).
  // OIDC is marked as part of the directory; the SAML IdP is not, until a test marks it.
  stack = await startTestStack({ saml: true, extraEnv: { OIDC_LINK_BY_EMAIL: "true" } });
  alice = await signIn(stack, "alice");
  samlIdp = await stack.db.samlIdentityProvider.findUniqueOrThrow({
    where: { slug: "corp-saml" },
    select: { id: true, entityId: true },
  });
  oidcIssuer = (await stack.db.user.findFirstOrThrow({ where: { email: "alice@corp.example" } }))
    .issuer;
  roles = {
    stagingDeveloper: await roleIdOf(stack, "acme-staging", "Developer"),
    prodAdministrator: await roleIdOf(stack, "acme-production", "Administrator"),
  };
});

afterAll(async () => {
  await stack?.stop();
});

async function samlSession(username: string): Promise<PortalSession> {
  const { browser } = await signInWithDemoSaml(stack, username);
  return sessionFor(stack, browser.jar);
}

async function identityOf(email: string, issuer: string) {
  return stack.db.user.findFirstOrThrow({ where: { email, issuer } });
}

async function roleIdsOnPage(session: PortalSession): Promise<string[]> {
  return roleIdsOnAccountsPage(await (await session.request("/accounts")).text());
}

const count = (html: string, testId: string) => html.split(`data-testid="${testId}"`).length - 1;

async function exportThenDryRunImport(): Promise<{ yaml: string; total: number }> {
  const exported = await alice.request("/admin/config/export?format=yaml");
  expect(exported.status).toBe(200);
  const yaml = await exported.text();
  const dry = await alice.request("/admin/config/import", {
    method: "POST",
    json: { mode: "dry-run", text: yaml },
  });
  const body = (await dry.json()) as { ok: boolean; diff?: { total: number }; problems?: unknown };
  expect(body, JSON.stringify(body.problems)).toMatchObject({ ok: true });
  return { yaml, total: body.diff!.total };
}

/** The newest audit event of an action (a redirecting server action's reply has no request id). */
async function lastAuditOf(action: string) {
  return stack.db.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { sequence: "desc" } });
}

describe("one person across identity providers", () => {
  let oidcBob: PortalSession;
  let samlBob: PortalSession;

  it("unlinked, bob with OIDC and bob with SAML are two people, and export → import still changes nothing", async () => {
    oidcBob = await signIn(stack, "bob");
    samlBob = await samlSession("bob");
    const [viaOidc, viaSaml] = await Promise.all([
      identityOf("bob@corp.example", oidcIssuer),
      identityOf("bob@corp.example", samlIdp.entityId),
    ]);
    expect(viaOidc.personId).not.toBe(viaSaml.personId);
    // A user rule for one of them: the email is ambiguous, so the export names the identity.
    await stack.db.accessRule.create({
      data: {
        roleId: roles.prodAdministrator,
        personId: viaOidc.personId,
        description: "bob, on call",
      },
    });
    const { yaml, total } = await exportThenDryRunImport();
    expect(yaml).toContain(`idp: ${oidcIssuer}`);
    expect(total).toBe(0);
    expect(await roleIdsOnPage(oidcBob)).toContain(roles.prodAdministrator);
    expect(await roleIdsOnPage(samlBob)).not.toContain(roles.prodAdministrator);
  });

  it("an admin links them (audited): favorites, recents, the user rule and access requests follow the person", async () => {
    expect(
      (await oidcBob.request(`/api/favorites/${roles.stagingDeveloper}`, { method: "PUT" })).status,
    ).toBe(200);
    const issued = await oidcBob.request(`/api/roles/${roles.stagingDeveloper}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(issued.status).toBe(200);
    const [viaOidc, viaSaml] = await Promise.all([
      identityOf("bob@corp.example", oidcIssuer),
      identityOf("bob@corp.example", samlIdp.entityId),
    ]);
    // A request the SAML bob had pending: it must survive his person's removal, pending as before.
    const pending = await stack.db.accessRequest.create({
      data: {
        roleId: roles.prodAdministrator,
        personId: viaSaml.personId,
        requesterUserId: viaSaml.id,
        requesterEmail: "bob@corp.example",
        reason: "on call",
        durationSeconds: 3600,
        startsAt: new Date(),
        decideBy: new Date(Date.now() + 86_400_000),
      },
    });
    const reply = await act(alice, {
      name: "linkIdentity",
      page: () => "/admin/people",
      fields: () => ({ personId: viaOidc.personId, identityId: viaSaml.id, q: "bob" }),
    });
    expect(reply.redirect).toContain("notice=linked");
    expect(
      await stack.db.accessRequest.findUnique({ where: { id: pending.id } }),
      "the request moved with the person",
    ).toMatchObject({ personId: viaOidc.personId, state: "pending" });
    await stack.db.accessRequest.update({
      where: { id: pending.id },
      data: { state: "cancelled" },
    });
    const audit = await lastAuditOf("admin.person.linked");
    expect(audit).toMatchObject({
      action: "admin.person.linked",
      outcome: "success",
      actorEmail: "alice@corp.example",
    });
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      identity: { issuer: samlIdp.entityId, email: "bob@corp.example" },
      person: viaOidc.personId,
      previousPerson: viaSaml.personId,
      previousPersonRemoved: true,
      movedRequests: 1,
    });
    // The SAML session, unchanged, now sees what the person has — at its next request.
    expect(await sectionRoleIds(samlBob, "favorite-role")).toEqual([roles.stagingDeveloper]);
    expect(await sectionRoleIds(samlBob, "recent-role")).toContain(roles.stagingDeveloper);
    expect(await roleIdsOnPage(samlBob)).toContain(roles.prodAdministrator);
    // Issuance is per person too: the SAML session may use the user rule's role.
    const viaRule = await samlBob.request(`/api/roles/${roles.prodAdministrator}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(viaRule.status).toBe(200);
  });

  it("the access review lists bob once, with both identities; Explain answers once", async () => {
    const review = await alice.request("/admin/access?user=bob%40corp.example");
    const html = await review.text();
    expect(count(html, "person-access")).toBe(1);
    expect(count(html, "person-identity")).toBe(2);
    const explain = await alice.request(
      `/admin/access?${new URLSearchParams({
        explainUser: "bob@corp.example",
        explainRole: "arn:aws:iam::210987654321:role/Administrator",
      }).toString()}`,
    );
    const explained = await explain.text();
    expect(count(explained, "explain-decision")).toBe(1);
    expect(explained).toContain('data-decision="granted"');
  });

  it("the admin People page shows the person with both identities", async () => {
    const res = await alice.request("/admin/people?q=bob%40corp.example");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(count(html, "person")).toBe(1);
    expect(count(html, "identity")).toBe(2);
  });

  it("linked, export names bob by his email and import changes nothing", async () => {
    const { yaml, total } = await exportThenDryRunImport();
    expect(yaml).toContain("user: bob@corp.example");
    expect(total).toBe(0);
  });

  it("unlinking makes the identity a person of its own; the rules and favorites stay (audited)", async () => {
    const viaSaml = await identityOf("bob@corp.example", samlIdp.entityId);
    const reply = await act(alice, {
      name: "unlinkIdentityAction",
      page: () => "/admin/people",
      fields: () => ({ identityId: viaSaml.id, q: "" }),
    });
    expect(reply.redirect).toContain("notice=unlinked");
    expect(parseDetails((await lastAuditOf("admin.person.unlinked")).detailsJson)).toMatchObject({
      identity: { issuer: samlIdp.entityId, email: "bob@corp.example" },
      previousPerson: viaSaml.personId,
    });
    const after = await identityOf("bob@corp.example", samlIdp.entityId);
    expect(after.personId).not.toBe(viaSaml.personId);
    expect(await sectionRoleIds(samlBob, "favorite-role")).toEqual([]);
    expect(await roleIdsOnPage(samlBob)).not.toContain(roles.prodAdministrator);
    expect(await sectionRoleIds(oidcBob, "favorite-role")).toEqual([roles.stagingDeveloper]);
  });

  it.each([
    ["a person's only identity can't be unlinked", "unlinkIdentityAction", "only_identity"],
    ["an identity can't be linked to its own person", "linkIdentity", "same_person"],
  ])("%s: nothing changes", async (_rule, name, notice) => {
    await signIn(stack, "carol");
    const identity = await identityOf("carol@corp.example", oidcIssuer);
    const before = await stack.db.user.findMany({ orderBy: { id: "asc" } });
    const reply = await act(alice, {
      name,
      page: () => "/admin/people",
      fields: () => ({ personId: identity.personId, identityId: identity.id, q: "" }),
    });
    expect(reply.redirect).toContain(`notice=${notice}`);
    expect(await stack.db.user.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});

describe("linking by verified email, among IdPs an admin marks as one directory", () => {
  it("off for an IdP nobody marked: carol with OIDC and with SAML stay two people", async () => {
    await signIn(stack, "carol");
    await samlSession("carol");
    const [a, b] = await Promise.all([
      identityOf("carol@corp.example", oidcIssuer),
      identityOf("carol@corp.example", samlIdp.entityId),
    ]);
    expect(a.personId).not.toBe(b.personId);
  });

  it("marked (audited): dave's first SAML sign-in joins his OIDC person, and the sign-in says so", async () => {
    const reply = await act(alice, {
      name: "setLinkByEmail",
      page: () => "/admin/people",
      fields: () => ({ id: samlIdp.id, linkByEmail: "true", q: "" }),
    });
    expect(reply.redirect).toContain("notice=policy_saved");
    expect(parseDetails((await lastAuditOf("admin.saml-idp.updated")).detailsJson)).toMatchObject({
      before: { linkByEmail: false },
      after: { linkByEmail: true },
    });
    await signIn(stack, "dave");
    const { result } = await signInWithDemoSaml(stack, "dave");
    const [a, b] = await Promise.all([
      identityOf("dave@corp.example", oidcIssuer),
      identityOf("dave@corp.example", samlIdp.entityId),
    ]);
    expect(b.personId).toBe(a.personId);
    expect(b.linkedBy).toBe("email");
    const signInEvent = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: result.requestId ?? "-", action: "auth.sign-in" },
    });
    expect(parseDetails(signInEvent.detailsJson)).toMatchObject({
      linkedToPersonByEmail: a.personId,
    });
  });

  it("an identity already known is never moved: carol's SAML identity stays her second person", async () => {
    const before = await identityOf("carol@corp.example", samlIdp.entityId);
    await samlSession("carol");
    expect((await identityOf("carol@corp.example", samlIdp.entityId)).personId).toBe(
      before.personId,
    );
  });

  it.each([
    ["the email is not verified by the IdP", { emailVerified: false }, "dave@corp.example"],
    ["no identity has the email", { emailVerified: true }, "nobody@corp.example"],
  ])("%s: a new identity joins nobody", async (_rule, claim, email) => {
    const joined = await personSharingVerifiedEmail(
      stack.db,
      { issuer: samlIdp.entityId, email, ...claim },
      { oidcIssuer },
    );
    expect(joined).toBeNull();
  });

  it("a stored identity whose email its IdP did not verify is matched by nobody: a new verified identity stays a person of its own", async () => {
    // erin's OIDC identity arrives with an email the IdP did not vouch for (someone typed it).
    const erin = await stack.db.user.create({
      data: {
        issuer: oidcIssuer,
        subject: "erin-unverified",
        email: "Erin@corp.example",
        emailVerified: false,
        roleSessionName: "erin-unverified",
        person: { create: {} },
      },
    });
    try {
      const claim = { issuer: samlIdp.entityId, email: "erin@corp.example", emailVerified: true };
      expect(await personSharingVerifiedEmail(stack.db, claim, { oidcIssuer })).toBeNull();
      // Once the IdP vouches for it (at the identity's next sign-in), the same email links.
      await stack.db.user.update({ where: { id: erin.id }, data: { emailVerified: true } });
      expect(await personSharingVerifiedEmail(stack.db, claim, { oidcIssuer })).toBe(erin.personId);
    } finally {
      await stack.db.user.delete({ where: { id: erin.id } });
      await stack.db.person.delete({ where: { id: erin.personId } });
    }
  });

  it("an email two people share links nobody", async () => {
    // A third IdP of the directory; carol is two people already (her OIDC and SAML identities).
    const third = await stack.db.samlIdentityProvider.create({
      data: {
        slug: "third-directory",
        displayName: "Third",
        entityId: "https://third.example/idp",
        ssoUrl: "https://third.example/sso",
        certificatesJson: "[]",
        linkByEmail: true,
      },
    });
    try {
      expect(
        await personSharingVerifiedEmail(
          stack.db,
          { issuer: third.entityId, email: "carol@corp.example", emailVerified: true },
          { oidcIssuer },
        ),
      ).toBeNull();
    } finally {
      await stack.db.samlIdentityProvider.delete({ where: { id: third.id } });
    }
  });

  it("an IdP not marked as the directory links nobody, even with a verified email", async () => {
    expect(
      await personSharingVerifiedEmail(
        stack.db,
        { issuer: "https://elsewhere.example", email: "dave@corp.example", emailVerified: true },
        { oidcIssuer },
      ),
    ).toBeNull();
    expect(
      await personSharingVerifiedEmail(
        stack.db,
        { issuer: samlIdp.entityId, email: "dave@corp.example", emailVerified: true },
        { oidcIssuer },
      ),
    ).toBe((await identityOf("dave@corp.example", oidcIssuer)).personId);
  });
});
