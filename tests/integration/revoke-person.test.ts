// Admin → People → "Revoke access": a person's portal sessions and CLI tokens end at once (the
// next request anywhere is refused; every replica reads the same rows), nobody else's do, the
// change is audited, and the page gives the AWS deny policy for what was already issued — naming
// every SourceIdentity their sessions carry, the one a SAML IdP asserted for its roles too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_GROUP } from "@/dev/demo-users";
import { cliTokenFor, v1 } from "../support/cli-auth";
import { expectApiError, parseDetails, storedUser } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { demoSamlProviderArn } from "@/dev/demo-world";
import { registerDemoSamlProviders } from "@/dev/demo-saml";
import { idpMetadata } from "../support/aws-standin";
import {
  buildAwsSamlResponse,
  buildSamlResponse,
  encodePostBinding,
  FIXTURE_IDP_ENTITY_ID,
  getTestSigningKey,
} from "../support/saml-fixtures";
import {
  addressedToPortal,
  expectSignedIn,
  passIdpLogin,
  postToAcs,
  postToRelay,
  registerFixtureIdp,
  SamlBrowser,
  signInWithDemoSaml,
} from "../support/saml-portal";
import { act } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let carol: PortalSession;
let roleId: string;
const FEDERATED_ROLE_ARN = "arn:aws:iam::210987654321:role/FederatedReadOnly";
const FEDERATED_PROVIDER_ARN = demoSamlProviderArn("210987654321");

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  [alice, bob, carol] = [
    await signIn(stack, "alice"),
    await signIn(stack, "bob"),
    await signIn(stack, "carol"),
  ];
  roleId = await roleIdOf(stack, "acme-staging", "Developer");
});
afterAll(async () => {
  await stack?.stop();
});

describe("revoking a person", () => {
  it("ends their browser sessions and CLI tokens at once, and nobody else's; audited; the page shows the deny policy", async () => {
    const secondBrowser = await signIn(stack, "bob");
    const bobCli = await cliTokenFor(stack, bob);
    const carolCli = await cliTokenFor(stack, carol);
    const bobUser = await storedUser(stack, "bob");

    const reply = await act(alice, {
      name: "revokePersonAction",
      page: () => "/admin/people",
      fields: () => ({ personId: bobUser.personId, q: "bob" }),
    });
    expect(reply.redirect).toContain("notice=revoked");

    for (const session of [bob, secondBrowser]) {
      const res = await session.request(`/api/roles/${roleId}/credentials`, {
        method: "POST",
        json: {},
      });
      await expectApiError(res, 401, "unauthenticated");
    }
    await expectApiError(await v1(stack, "/me", { token: bobCli.token }), 401, "unauthenticated");
    expect((await v1(stack, "/me", { token: carolCli.token })).status).toBe(200);
    expect((await carol.request("/accounts")).status).toBe(200);

    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "admin.person.revoked" },
    });
    expect(audit.actorEmail).toBe("alice@corp.example");
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      person: bobUser.personId,
      portalSessions: 2,
      cliTokens: 1,
    });

    const page = await alice.request(reply.redirect!.replace(/^https?:\/\/[^/]+/, ""));
    const html = await page.text();
    expect(html).toContain('data-testid="deny-policy"');
    const policyText = /data-testid="deny-policy"[^>]*>([^<]+)</
      .exec(html)![1]!
      .replace(/&quot;/g, '"');
    const policy = JSON.parse(policyText) as {
      Statement: Array<{ Effect: string; Condition: Record<string, Record<string, unknown>> }>;
    };
    expect(policy.Statement[0]!.Effect).toBe("Deny");
    expect(policy.Statement[0]!.Condition.StringEquals!["aws:SourceIdentity"]).toEqual([
      bobUser.id,
    ]);
    expect(policy.Statement[0]!.Condition.DateLessThan!["aws:TokenIssueTime"]).toBe(
      parseDetails(audit.detailsJson).revokedAt,
    );
  });

  it("a revoked person can sign in again (the IdP decides) and gets a working session", async () => {
    const again = await signIn(stack, "bob");
    const res = await again.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(res.status).toBe(200);
  });

  it("the revoked notice shows the revocation as audited: never counts from the address, nor identities linked since", async () => {
    const carolUser = await storedUser(stack, "carol");
    const reply = await act(alice, {
      name: "revokePersonAction",
      page: () => "/admin/people",
      fields: () => ({ personId: carolUser.personId, q: "" }),
    });
    const url = new URL(reply.redirect!.replace(/;push$/, ""), "http://portal.invalid");
    expect(url.searchParams.get("notice")).toBe("revoked");
    // An identity linked to carol after the revocation never signed in as her before it.
    const later = await stack.db.user.create({
      data: {
        personId: carolUser.personId,
        linkedBy: "admin",
        issuer: "https://later.example",
        subject: "carol-later",
        email: "carol@later.example",
        roleSessionName: "carol-later",
      },
    });
    const noticeOf = async (params: URLSearchParams) => {
      const res = await alice.request(`/admin/people?${params.toString()}`);
      const html = (await res.text()).replace(/<!-- -->/g, ""); // React's text-node separators
      const policy = /data-testid="deny-policy"[^>]*>([^<]+)</.exec(html)?.[1];
      const notice = /data-testid="person-revoked"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1];
      return { notice, policy: policy?.replace(/&quot;/g, '"') };
    };
    const forgedCounts = new URLSearchParams(url.searchParams);
    forgedCounts.set("sessions", "999");
    forgedCounts.set("tokens", "42");
    const shown = await noticeOf(forgedCounts);
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "admin.person.revoked" },
      orderBy: { sequence: "desc" },
    });
    const details = parseDetails(audit.detailsJson) as {
      portalSessions: number;
      cliTokens: number;
    };
    expect(details).toMatchObject({ person: carolUser.personId, portalSessions: 1, cliTokens: 1 });
    expect(shown.notice).toContain("1 portal session and 1 CLI session ended");
    expect(shown.notice).not.toContain("999");
    expect(shown.policy).toContain(carolUser.id);
    expect(shown.policy, "an identity linked since").not.toContain(later.id);

    // query → a "revoked" notice for a revocation that never happened shows nothing
    const forged: Array<Record<string, string>> = [
      { person: carolUser.personId, at: "2026-01-01T00:00:00.000Z" },
      { person: (await storedUser(stack, "alice")).personId, at: url.searchParams.get("at")! },
      { person: "c".repeat(25), at: url.searchParams.get("at")! },
    ];
    for (const params of forged) {
      const page = await noticeOf(new URLSearchParams({ notice: "revoked", ...params }));
      expect(page.notice, JSON.stringify(params)).toBeUndefined();
    }
    await stack.db.user.delete({ where: { id: later.id } });
  });

  it("ends their approved elevations (running or starting later) and cancels their pending requests, in their events, the audit and the notice; nobody else's", async () => {
    const adminsOnly = [
      ["acme-production", "Administrator"],
      ["acme-staging", "Administrator"],
      ["acme-security", "SecurityAudit"],
    ] as const;
    const roles = await Promise.all(
      adminsOnly.map(([account, role]) => roleIdOf(stack, account, role)),
    );
    const bobUser = await storedUser(stack, "bob");
    const rules = await Promise.all(
      roles.map((id) =>
        stack.db.accessRule.create({
          data: {
            roleId: id,
            personId: bobUser.personId,
            kind: "eligible",
            approversJson: JSON.stringify([{ group: ADMIN_GROUP }]),
            maxElevationSeconds: 2 * 3600,
            maxSessionDurationSeconds: 3600,
          },
        }),
      ),
    );
    let bobNow = await signIn(stack, "bob");
    const carolNow = await signIn(stack, "carol");
    const file = async (who: PortalSession, json: Record<string, unknown>) => {
      const res = await who.request("/api/access-requests", { method: "POST", json });
      const text = await res.text();
      expect(res.status, text).toBe(201);
      return (JSON.parse(text) as { id: string }).id;
    };
    const approve = async (id: string) => {
      const res = await alice.request(`/api/access-requests/${id}/decision`, {
        method: "POST",
        json: { decision: "approve", comment: "" },
      });
      expect(res.status, await res.text()).toBe(200);
    };
    const [running, later, pending] = [
      await file(bobNow, { roleId: roles[0], durationSeconds: 3600, reason: "now" }),
      await file(bobNow, {
        roleId: roles[1],
        durationSeconds: 3600,
        reason: "later",
        startsAt: new Date(Date.now() + 3600 * 1000).toISOString(),
      }),
      await file(bobNow, { roleId: roles[2], durationSeconds: 3600, reason: "waiting" }),
    ];
    await approve(running);
    await approve(later);
    const dataAnalyst = await roleIdOf(stack, "acme-production", "DataAnalyst");
    const carols = await file(carolNow, {
      roleId: dataAnalyst,
      durationSeconds: 3600,
      reason: "q",
    });
    try {
      const elevated = await bobNow.request(`/api/roles/${roles[0]}/credentials`, {
        method: "POST",
        json: {},
      });
      expect(elevated.status, "the elevation works before the revocation").toBe(200);

      const reply = await act(alice, {
        name: "revokePersonAction",
        page: () => "/admin/people",
        fields: () => ({ personId: bobUser.personId, q: "bob" }),
      });
      // Signing in again (the IdP still lets them) brings none of it back.
      bobNow = await signIn(stack, "bob");
      const issue = (id: string) =>
        bobNow.request(`/api/roles/${id}/credentials`, { method: "POST", json: {} });
      await expectApiError(await issue(roles[0]!), 404, "not_found");
      // Nor does the one that was to start later, once its start comes.
      stack.portalClock.advance(61 * 60 * 1000);
      await expectApiError(await issue(roles[1]!), 404, "not_found");
      const states = await stack.db.accessRequest.findMany({
        where: { id: { in: [running, later, pending, carols] } },
        select: { id: true, state: true, closedBy: true },
      });
      const stateOf = (id: string) => states.find((r) => r.id === id);
      expect(stateOf(running)).toMatchObject({ state: "revoked", closedBy: "alice@corp.example" });
      expect(stateOf(later)).toMatchObject({ state: "revoked", closedBy: "alice@corp.example" });
      expect(stateOf(pending)).toMatchObject({
        state: "cancelled",
        closedBy: "alice@corp.example",
      });
      expect(stateOf(carols), "nobody else's").toMatchObject({ state: "pending", closedBy: null });
      for (const [id, action] of [
        [running, "elevation.revoked"],
        [later, "elevation.revoked"],
        [pending, "access-request.cancelled"],
      ] as const) {
        const events = await stack.db.auditEvent.count({
          where: { action, detailsJson: { contains: id } },
        });
        expect(events, `${action} for ${id}`).toBe(1);
      }
      const audit = await stack.db.auditEvent.findFirstOrThrow({
        where: { action: "admin.person.revoked" },
        orderBy: { sequence: "desc" },
      });
      expect(parseDetails(audit.detailsJson)).toMatchObject({
        person: bobUser.personId,
        elevationsEnded: 2,
        requestsCancelled: 1,
      });
      const page = await alice.request(reply.redirect!.replace(/^https?:\/\/[^/]+/, ""));
      const html = (await page.text()).replace(/<!-- -->/g, "");
      const notice = /data-testid="person-revoked"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1];
      expect(notice).toContain(
        "2 approved elevations ended and 1 pending access request cancelled",
      );
    } finally {
      stack.portalClock.reset();
      await stack.db.accessRequest.deleteMany({
        where: { id: { in: [running, later, pending, carols] } },
      });
      await stack.db.accessRule.deleteMany({ where: { id: { in: rules.map((r) => r.id) } } });
    }
  });

  it("the deny policy names the SourceIdentity of roles assumed with SAML, as the IdP asserted it", async () => {
    const federated = await roleIdOf(stack, "acme-production", "FederatedReadOnly");
    const { browser } = await signInWithDemoSaml(stack, "bob");
    // The IdP's AWS app posts an AWS-targeted assertion to the portal's relay, held for this session.
    const awsApp = await passIdpLogin(
      browser,
      await browser.get(`${stack.samlIdp!.url}/saml/start/aws`),
      "bob",
    );
    const relayed = await postToRelay(stack, browser, awsApp.samlResponse);
    expect(relayed.status, relayed.location ?? "").toBe(303);
    await (await browser.request(new URL(relayed.location!, stack.portalUrl).href)).arrayBuffer();
    const issued = await browser
      .portal(stack)
      .request(`/api/roles/${federated}/credentials`, { method: "POST", json: {} });
    expect(issued.status, await issued.clone().text()).toBe(200);
    const samlBob = await stack.db.user.findFirstOrThrow({
      where: {
        email: "bob@corp.example",
        issuer: { not: (await storedUser(stack, "bob")).issuer },
      },
    });
    const { sourceIdentity } = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "credentials.issued", requestId: issued.headers.get("x-request-id")! },
    });
    expect(sourceIdentity, "the assertion's SourceIdentity, not the portal's id").not.toBe(
      samlBob.id,
    );

    const reply = await act(alice, {
      name: "revokePersonAction",
      page: () => "/admin/people",
      fields: () => ({ personId: samlBob.personId, q: "" }),
    });
    const html = await (await alice.request(reply.redirect!.replace(/;push$/, ""))).text();
    const policy = JSON.parse(
      /data-testid="deny-policy"[^>]*>([^<]+)</.exec(html)![1]!.replace(/&quot;/g, '"'),
    ) as { Statement: Array<{ Condition: { StringEquals: Record<string, string[]> } }> };
    expect(policy.Statement[0]!.Condition.StringEquals["aws:SourceIdentity"]).toEqual(
      [samlBob.id, sourceIdentity!].sort(),
    );
  });

  it("the deny policy also ends SAML-federated sessions whose assertion set no SourceIdentity, by their session name", async () => {
    // An IdP whose AWS app sets no SourceIdentity (AWS makes it optional): its responses are
    // signed here, and AWS's provider for the role's account trusts this IdP's key meanwhile.
    const nameId = "frank@fixture.example";
    await registerFixtureIdp(stack, {
      slug: "fixture-aws",
      keys: [getTestSigningKey("idp")],
      allowIdpInitiated: true,
    });
    stack.aws.registerSamlProvider(
      FEDERATED_PROVIDER_ARN,
      idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]),
    );
    try {
      const browser = new SamlBrowser();
      const signedIn = buildSamlResponse({
        ...addressedToPortal(stack),
        nameId,
        attributes: { email: [nameId], groups: ["developers"] },
      });
      expectSignedIn(stack, await postToAcs(stack, browser, encodePostBinding(signedIn)));
      const aws = buildAwsSamlResponse({
        nameId,
        roles: [{ roleArn: FEDERATED_ROLE_ARN, principalArn: FEDERATED_PROVIDER_ARN }],
      });
      const relayed = await postToRelay(stack, browser, encodePostBinding(aws));
      expect(relayed.status, relayed.location ?? "").toBe(303);
      await (await browser.request(new URL(relayed.location!, stack.portalUrl).href)).arrayBuffer();
      const federated = await roleIdOf(stack, "acme-production", "FederatedReadOnly");
      const issued = await browser
        .portal(stack)
        .request(`/api/roles/${federated}/credentials`, { method: "POST", json: {} });
      expect(issued.status, await issued.clone().text()).toBe(200);
      const record = await stack.db.auditEvent.findFirstOrThrow({
        where: { action: "credentials.issued", requestId: issued.headers.get("x-request-id")! },
      });
      expect(record.sourceIdentity, "AWS recorded no SourceIdentity").toBeNull();
      expect(record.roleSessionName).toBe(nameId);

      const frank = await stack.db.user.findFirstOrThrow({ where: { subject: nameId } });
      const reply = await act(alice, {
        name: "revokePersonAction",
        page: () => "/admin/people",
        fields: () => ({ personId: frank.personId, q: "" }),
      });
      const html = await (await alice.request(reply.redirect!.replace(/;push$/, ""))).text();
      const policy = JSON.parse(
        /data-testid="deny-policy"[^>]*>([^<]+)</.exec(html)![1]!.replace(/&quot;/g, '"'),
      ) as {
        Statement: Array<{ Effect: string; Condition: Record<string, Record<string, unknown>> }>;
      };
      const revokedAt = policy.Statement[0]!.Condition.DateLessThan!["aws:TokenIssueTime"];
      // aws:userid of a role session is "<role id>:<session name>"; a session name has no colon.
      expect(policy.Statement.slice(1)).toEqual([
        expect.objectContaining({
          Effect: "Deny",
          Condition: {
            StringLike: { "aws:userid": [`*:${nameId}`] },
            DateLessThan: { "aws:TokenIssueTime": revokedAt },
          },
        }),
      ]);
    } finally {
      registerDemoSamlProviders(stack.aws, stack.samlIdp!);
    }
  });

  it("an unknown person: nothing changes", async () => {
    const before = await stack.db.portalSession.count({ where: { revokedAt: null } });
    const reply = await act(alice, {
      name: "revokePersonAction",
      page: () => "/admin/people",
      fields: () => ({ personId: "c".repeat(25), q: "" }),
    });
    expect(reply.redirect).toContain("notice=not_found");
    expect(await stack.db.portalSession.count({ where: { revokedAt: null } })).toBe(before);
  });
});
