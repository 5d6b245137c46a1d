// The /me page ("who am I") over HTTP: the signed-in identity, the groups the IdP sent, whether
// the sign-in counts as MFA, and each role with the rule behind it (a group, the person, an
// approved access request), from the real OIDC sign-in; only the caller's own, never a session id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedUser } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** The page's text (tags and React's text separators gone), and each role's own text. */
async function mePage(session: PortalSession, path = "/me") {
  const res = await session.request(path);
  expect(res.status).toBe(200);
  // Personal data: Back after signing out must not show a stored copy.
  expect(res.headers.get("cache-control")).toContain("no-store");
  const html = await res.text();
  const text = (fragment: string) =>
    fragment
      .replace(/<!-- -->/g, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ");
  const roles = new Map<string, string>();
  const roleLinks = new Map<string, Array<{ testId: string; href: string; text: string }>>();
  for (const chunk of html.split('data-testid="my-role"').slice(1)) {
    const t = text(`<x ${chunk}`);
    const name = /^ ?(\S+ \/ \S+)/.exec(t)?.[1];
    if (!name) continue;
    roles.set(name, t);
    roleLinks.set(
      name,
      [...chunk.matchAll(/<a ([^>]*)>(.*?)<\/a>/g)].map(([, attributes, inner]) => {
        const attribute = (n: string) => new RegExp(`${n}="([^"]*)"`).exec(attributes!)?.[1] ?? "";
        return {
          testId: attribute("data-testid"),
          href: attribute("href").replace(/&amp;/g, "&"),
          text: text(inner!).trim(),
        };
      }),
    );
  }
  return { html, text: text(html), roles, roleLinks };
}

/** The server-side session the user's latest sign-in opened (the cookie carries it sealed). */
async function liveSessionIdOf(username: string): Promise<string> {
  const user = await storedUser(stack, username);
  const session = await stack.db.portalSession.findFirstOrThrow({
    where: { userId: user.id, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
  return session.id;
}

function cookieValueOf(session: PortalSession): string {
  const cookie = session.jar
    .cookiesFor(stack.portalUrl)
    .find((c) => c.name.endsWith("gatehouse.session"));
  if (!cookie) throw new Error("no session cookie");
  return cookie.value;
}

describe("/me shows who is signed in and why each role is theirs", () => {
  it("a user with groups: identity, IdP groups, no MFA, roles by group and by user rule", async () => {
    const bob = await signIn(stack, "bob");
    const page = await mePage(bob);
    expect(page.text).toContain("bob@corp.example");
    expect(page.text).toMatch(/Signed in with .+, by OIDC/);
    expect(page.text).toMatch(/Groups from your IdP developers/);
    expect(page.text).toContain("MFA No:");
    expect(page.roles.get("acme-staging / Developer")).toContain(
      "Granted by your group “developers”",
    );
    // A rule naming bob himself.
    expect(page.roles.get("acme-sandbox / DataScience")).toContain("Granted by a rule naming you");
    expect(page.roles.has("acme-production / Administrator")).toBe(false);
    // A granted role opens its console through its deep link and offers its CLI credentials on
    // the accounts page; a CLI-only rule offers no console.
    const staging = await stack.db.awsAccount.findFirstOrThrow({ where: { name: "acme-staging" } });
    const developer = await roleIdOf(stack, "acme-staging", "Developer");
    expect(page.roleLinks.get("acme-staging / Developer")).toEqual([
      {
        testId: "my-role-console",
        href: `/console?account=${staging.accountId}&role=Developer`,
        text: "Open console",
      },
      {
        testId: "my-role-cli",
        href: `/accounts?credentials=${developer}`,
        text: "CLI credentials",
      },
    ]);
    expect(page.roleLinks.get("acme-sandbox / DataScience")?.map((l) => l.testId)).toEqual([
      "my-role-cli",
    ]);
    // Never the session's id, nor the cookie that carries it.
    expect(page.html).not.toContain(await liveSessionIdOf("bob"));
    expect(page.html).not.toContain(cookieValueOf(bob));
  });

  it("a sign-in that carried MFA says so", async () => {
    const bob = await signIn(stack, "bob");
    await stack.db.portalSession.update({
      where: { id: await liveSessionIdOf("bob") },
      data: { mfaAuthenticated: true },
    });
    expect((await mePage(bob)).text).toContain("MFA Yes:");
  });

  it("a role granted only after an MFA sign-in says so on its console and CLI links", async () => {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const rules = await stack.db.accessRule.findMany({ where: { roleId, requireMfa: false } });
    await stack.db.accessRule.updateMany({
      where: { id: { in: rules.map((r) => r.id) } },
      data: { requireMfa: true },
    });
    try {
      const links = (await mePage(bob)).roleLinks.get("acme-staging / Developer");
      expect(links?.map((l) => [l.testId, l.text])).toEqual([
        ["my-role-console", "Open console (after an MFA sign-in)"],
        ["my-role-cli", "CLI credentials (after an MFA sign-in)"],
      ]);
    } finally {
      await stack.db.accessRule.updateMany({
        where: { id: { in: rules.map((r) => r.id) } },
        data: { requireMfa: false },
      });
    }
  });

  it("an active elevation: granted by the approved request until its end", async () => {
    const carol = await signIn(stack, "carol");
    const dataAnalyst = await roleIdOf(stack, "acme-production", "DataAnalyst");
    const before = await mePage(carol);
    expect(before.roles.has("acme-production / DataAnalyst")).toBe(true);
    expect(before.text).toContain("Your roles (0)");
    expect(before.roles.get("acme-production / DataAnalyst")).toContain(
      "You may request it under Access requests (a rule naming you), approved by the gatehouse-admins group",
    );
    expect(before.roleLinks.get("acme-production / DataAnalyst")).toEqual([
      { testId: "my-role-request", href: "/requests", text: "Request access" },
    ]);

    const asked = await carol.request("/api/access-requests", {
      method: "POST",
      json: { roleId: dataAnalyst, durationSeconds: 3600, reason: "Q3 numbers" },
    });
    expect(asked.status, await asked.clone().text()).toBe(201);
    const { id } = (await asked.json()) as { id: string };
    const alice = await signIn(stack, "alice");
    const approved = await alice.request(`/api/access-requests/${id}/decision`, {
      method: "POST",
      json: { decision: "approve", comment: "" },
    });
    expect(approved.status, await approved.clone().text()).toBe(200);
    const { endsAt } = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
    const until = endsAt!.toISOString().slice(0, 16).replace("T", " ");

    const after = await mePage(carol);
    expect(after.text).toContain("Your roles (1)");
    expect(after.roles.get("acme-production / DataAnalyst")).toContain(
      `Granted by your approved access request ${id}, until ${until} UTC (approved by alice@corp.example)`,
    );
    expect(after.roleLinks.get("acme-production / DataAnalyst")?.map((l) => l.testId)).toEqual([
      "my-role-console",
      "my-role-cli",
    ]);
  });

  it("shows only the caller's own: a query naming someone else changes nothing", async () => {
    const bob = await signIn(stack, "bob");
    const page = await mePage(bob, "/me?email=alice%40corp.example&user=alice");
    expect(page.text).toContain("bob@corp.example");
    expect(page.text).not.toContain("alice@corp.example");
    expect(page.text).not.toContain("gatehouse-admins");
  });

  it("signed out, it redirects to sign-in and back", async () => {
    const res = await fetch(`${stack.portalUrl}/me`, { redirect: "manual" });
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
    expect(location.pathname).toBe("/signin");
    expect(location.search).toContain(encodeURIComponent("/me"));
  });
});
