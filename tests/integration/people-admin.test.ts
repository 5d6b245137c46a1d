// Admin → People as a demanding identity admin uses it (docs/SECURITY.md "People"): a person merged
// away by a link keeps their place among approvers, linking by verified email ignores the case an
// IdP sends, and the people list is searched in any case, literally, and paged to its end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDetails } from "../support/portal-assertions";
import { roleIdOf, sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { signInWithDemoSaml } from "../support/saml-portal";
import { act } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let samlIdp: { id: string; entityId: string };
let oidcIssuer: string;

beforeAll(async () => {
  stack = await startTestStack({ saml: true, extraEnv: { OIDC_LINK_BY_EMAIL: "true" } });
  alice = await signIn(stack, "alice");
  samlIdp = await stack.db.samlIdentityProvider.findUniqueOrThrow({
    where: { slug: "corp-saml" },
    select: { id: true, entityId: true },
  });
  oidcIssuer = (await stack.db.user.findFirstOrThrow({ where: { email: "alice@corp.example" } }))
    .issuer;
});

afterAll(async () => {
  await stack?.stop();
});

async function identityOf(email: string, issuer: string) {
  return stack.db.user.findFirstOrThrow({ where: { email: { in: [email] }, issuer } });
}

async function samlSession(username: string): Promise<PortalSession> {
  const { browser } = await signInWithDemoSaml(stack, username);
  return sessionFor(stack, browser.jar);
}

const personIdsOn = (html: string) =>
  [...html.matchAll(/data-person-id="([^"]+)"/g)].map((m) => m[1]!);

describe("linking a person's last identity", () => {
  it("a person merged away keeps their place among approvers: the merged person can approve", async () => {
    const carol = await signIn(stack, "carol");
    await signIn(stack, "bob");
    const samlBob = await samlSession("bob");
    const [carolUser, oidcBob, viaSaml] = await Promise.all([
      identityOf("carol@corp.example", oidcIssuer),
      identityOf("bob@corp.example", oidcIssuer),
      identityOf("bob@corp.example", samlIdp.entityId),
    ]);
    expect(viaSaml.personId).not.toBe(oidcBob.personId);
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    // carol may request the role; bob — named as the person of his SAML identity — approves.
    const rule = await stack.db.accessRule.create({
      data: {
        roleId,
        personId: carolUser.personId,
        kind: "eligible",
        approversJson: JSON.stringify([{ personId: viaSaml.personId, email: "bob@corp.example" }]),
        maxElevationSeconds: 3600,
        maxSessionDurationSeconds: 3600,
      },
    });

    const reply = await act(alice, {
      name: "linkIdentity",
      page: () => "/admin/people",
      fields: () => ({ personId: oidcBob.personId, identityId: viaSaml.id, q: "bob" }),
    });
    expect(reply.redirect).toContain("notice=linked");

    const after = await stack.db.accessRule.findUniqueOrThrow({ where: { id: rule.id } });
    expect(JSON.parse(after.approversJson)).toEqual([
      { personId: oidcBob.personId, email: "bob@corp.example" },
    ]);
    expect(after.version, "an edit from a form read before the merge conflicts").toBe(
      rule.version + 1,
    );
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "admin.person.linked" },
      orderBy: { sequence: "desc" },
    });
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      previousPerson: viaSaml.personId,
      previousPersonRemoved: true,
      movedApproverRules: 1,
    });

    const created = await carol.request("/api/access-requests", {
      method: "POST",
      json: { roleId, durationSeconds: 3600, reason: "deploy" },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // Either of bob's identities now approves as the person the rule names.
    const decided = await samlBob.request(`/api/access-requests/${id}/decision`, {
      method: "POST",
      json: { decision: "approve", comment: "" },
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    expect(await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "approved",
    });
  });
});

describe("linking by verified email", () => {
  it("emails compare case-insensitively: Dave@Corp.Example at OIDC, dave@corp.example at SAML", async () => {
    await signIn(stack, "dave");
    const oidcDave = await identityOf("dave@corp.example", oidcIssuer);
    // The OIDC IdP sent his email capitalized (IdPs keep the case a person typed).
    await stack.db.user.update({
      where: { id: oidcDave.id },
      data: { email: "Dave@Corp.Example" },
    });
    const marked = await act(alice, {
      name: "setLinkByEmail",
      page: () => "/admin/people",
      fields: () => ({ id: samlIdp.id, linkByEmail: "true", q: "" }),
    });
    expect(marked.redirect).toContain("notice=policy_saved");
    try {
      await samlSession("dave");
      const samlDave = await identityOf("dave@corp.example", samlIdp.entityId);
      expect(samlDave.personId).toBe(oidcDave.personId);
      expect(samlDave.linkedBy).toBe("email");
    } finally {
      await stack.db.samlIdentityProvider.update({
        where: { id: samlIdp.id },
        data: { linkByEmail: false },
      });
    }
  });
});

describe("searching and paging people", () => {
  const search = async (q: string, page?: number) => {
    const params = new URLSearchParams({ q, ...(page ? { page: String(page) } : {}) });
    const res = await alice.request(`/admin/people?${params.toString()}`);
    expect(res.status).toBe(200);
    return personIdsOn(await res.text());
  };

  it("the search ignores case and takes what is typed literally", async () => {
    const aliceUser = await identityOf("alice@corp.example", oidcIssuer);
    // query → whether alice's person is listed
    const cases: Array<[string, boolean]> = [
      ["alice@corp.example", true],
      ["ALICE@Corp.Example", true],
      ["CORP.EXAMPLE", true],
      ["%", false],
      ["_", false],
      ["a_ice", false],
      ["alice%example", false],
      ["\\", false],
    ];
    for (const [q, listed] of cases) {
      expect((await search(q)).includes(aliceUser.personId), q).toBe(listed);
    }
  });

  it("more people than a page: the next pages list the rest, each once, most recent sign-in first", async () => {
    const count = 120;
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < count; i++) {
      await stack.db.person.create({
        data: {
          identities: {
            create: {
              issuer: "https://many.example",
              subject: `many-${i}`,
              email: `many${String(i).padStart(3, "0")}@many.example`,
              roleSessionName: `many-${i}`,
              lastLoginAt: new Date(base + i * 60_000),
            },
          },
        },
      });
    }
    const pages = [await search("@many.example"), await search("@many.example", 2)];
    pages.push(await search("@many.example", 3));
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(count);
    const newest = await identityOf("many119@many.example", "https://many.example");
    expect(all[0]).toBe(newest.personId);
    const first = await alice.request("/admin/people?q=%40many.example");
    const html = await first.text();
    expect(html).toContain('data-testid="people-next"');
    expect(html).toContain("People 1–50");
    expect(await search("@many.example", 4)).toEqual([]);
  });

  it("a page number that is not one lists the first page", async () => {
    const first = await search("@many.example");
    expect(first).toHaveLength(50);
    for (const page of ["0", "-1", "abc", "1e3", "2.5", "999999", ""]) {
      const res = await alice.request(`/admin/people?q=%40many.example&page=${page}`);
      expect(res.status, page).toBe(200);
      expect(personIdsOn(await res.text()), page).toEqual(first);
    }
  });
});
