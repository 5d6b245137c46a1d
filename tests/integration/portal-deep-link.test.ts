// Console deep links (/console?account=…&role=…&region=…&destination=…) over HTTP: sign-in first
// and back to the link, each problem of a bad link listed, the account found by id, name or alias
// among the user's own grants only ("not yours" reads exactly like "doesn't exist", and is
// audited), an ambiguous name offered as choices, and no silent console opening from another site.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRowsFor, parseDetails, withoutAwsCalls } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

const STAGING_ID = "345678901234";

let stack: TestStack;
let bob: PortalSession;
let stagingDeveloper: string;
let sharedRoles: string[];

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
  await stack.db.awsAccount.update({
    where: { accountId: STAGING_ID },
    data: { alias: "Stage-Main" },
  });
  // Two accounts with one name, both granting bob's group the same role name.
  sharedRoles = [];
  for (const accountId of ["111122223333", "444455556666"]) {
    const account = await stack.db.awsAccount.create({
      data: { accountId, name: "acme-shared", environment: "dev" },
    });
    const role = await stack.db.role.create({
      data: {
        awsAccountId: account.id,
        name: "Developer",
        arn: `arn:aws:iam::${accountId}:role/Developer`,
      },
    });
    await stack.db.accessRule.create({ data: { roleId: role.id, groupName: "developers" } });
    sharedRoles.push(role.id);
  }
});
afterAll(async () => {
  await stack?.stop();
});

type FetchSite = "none" | "same-origin" | "same-site" | "cross-site" | null;

async function open(
  session: PortalSession | null,
  query: string,
  fetchSite: FetchSite = "same-origin",
): Promise<{ res: Response; html: string }> {
  const headers: Record<string, string> = fetchSite ? { "Sec-Fetch-Site": fetchSite } : {};
  const res = session
    ? await session.request(`/console?${query}`, { headers })
    : await fetch(`${stack.portalUrl}/console?${query}`, { headers, redirect: "manual" });
  return { res, html: await res.text() };
}

function texts(html: string, testId: string): string[] {
  const pattern = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</(?:li|h1|p|a)>`, "g");
  return [...html.matchAll(pattern)].map((m) =>
    m[1]!
      .replace(/<!-- -->/g, "")
      .replace(/<[^>]+>/g, "")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim(),
  );
}

describe("signed out", () => {
  const LINK = "account=acme-staging&role=Developer&region=eu-central-1&destination=ec2";

  it("a link from another site is redirected to sign-in, which returns to the same deep link", async () => {
    const { res } = await open(null, LINK, "cross-site");
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get("location")!, stack.portalUrl);
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("callbackUrl")).toBe(`/console?${LINK}`);
  });

  it("a link opened directly leads to sign-in with the deep link as callback (and remembers the intent in the tab)", async () => {
    const { res, html } = await open(null, LINK, "none");
    expect(res.status).toBe(200);
    expect(html).toContain('data-testid="deep-link-sign-in"');
    expect(html).toContain(`/signin?callbackUrl=${encodeURIComponent(`/console?${LINK}`)}`);
  });
});

describe("bad links list every problem", () => {
  it.each([
    { rule: "no account and no role", query: "region=eu-west-1", params: ["account", "role"] },
    {
      rule: "a region that is no AWS region",
      query: "account=acme-staging&role=Developer&region=mars-1",
      params: ["region"],
    },
    {
      rule: "a region code no AWS region has (the console has no host for it)",
      query: "account=acme-staging&role=Developer&region=eu-west-9",
      params: ["region"],
    },
    {
      rule: "a role name AWS would refuse",
      query: "account=acme-staging&role=Dev%20eloper",
      params: ["role"],
    },
  ])("$rule", async ({ query, params }) => {
    const { res, html } = await withoutAwsCalls(stack, () => open(bob, query));
    expect(res.status).toBe(200);
    const problems = texts(html, "deep-link-problem");
    expect(problems.length).toBeGreaterThanOrEqual(params.length);
    for (const param of params) expect(problems.some((p) => p.startsWith(`${param}:`))).toBe(true);
  });
});

describe("finding the role among the user's grants", () => {
  it.each([
    { by: "12-digit account id", account: STAGING_ID },
    { by: "account name", account: "acme-staging" },
    { by: "account alias, any case", account: "stage-main" },
    { by: "role name in another case", account: "acme-staging", role: "DEVELOPER" },
  ])("by $by", async ({ account, role }) => {
    const { res, html } = await withoutAwsCalls(stack, () =>
      open(bob, `account=${account}&role=${role ?? "Developer"}&region=us-east-2`),
    );
    expect(res.status).toBe(200);
    expect(texts(html, "deep-link-title")).toEqual(["Open Developer in acme-staging (us-east-2)"]);
    expect(html).toContain(stagingDeveloper);
  });

  it.each([
    ["region=us-east-2&destination=ec2", "us-east-2"],
    [
      `region=us-east-2&destination=${encodeURIComponent("https://ap-south-1.console.aws.amazon.com/ec2/home?region=ap-south-1")}`,
      "ap-south-1",
    ],
    [`destination=${encodeURIComponent("/ec2/home?region=sa-east-1")}`, "sa-east-1"],
  ])("the page names the region the console opens in (%s): %s", async (query, opensIn) => {
    const { html } = await open(bob, `account=acme-staging&role=Developer&${query}`);
    expect(texts(html, "deep-link-title")).toEqual([`Open Developer in acme-staging (${opensIn})`]);
  });

  it("without a region the page falls back to the portal default (eu-west-1)", async () => {
    const { html } = await open(bob, "account=acme-staging&role=Developer");
    expect(texts(html, "deep-link-title")).toEqual(["Open Developer in acme-staging (eu-west-1)"]);
  });

  it("a role the user is not granted reads exactly like one that does not exist, and both are audited", async () => {
    const answers: string[] = [];
    for (const [account, role] of [
      ["acme-production", "Administrator"], // exists, not granted to bob
      ["acme-production", "NoSuchRole"],
      ["acme-security", "SecurityAudit"], // an account bob has nothing in
      ["999999999999", "Developer"],
    ] as const) {
      const { res, html } = await withoutAwsCalls(stack, () =>
        open(bob, `account=${account}&role=${role}`),
      );
      expect(html).not.toContain('data-testid="deep-link"');
      answers.push(texts(html, "deep-link-message").join("|"));
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: "access.denied", outcome: "denied", roleArn: null });
      expect(parseDetails(rows[0]!.detailsJson)).toMatchObject({
        requestedAccount: account,
        requestedRole: role,
      });
    }
    expect(new Set(answers)).toEqual(new Set(["No such role, or you have no access to it."]));
  });

  it("a role granted for CLI only says the console is not included, and is audited", async () => {
    const { res, html } = await open(bob, "account=acme-sandbox&role=DataScience");
    expect(texts(html, "deep-link-message").join(" ")).toMatch(/does not include the AWS console/);
    const [row] = await auditRowsFor(stack, res.headers.get("x-request-id"));
    expect(row).toMatchObject({ action: "access.denied", awsAccountId: "456789012345" });
  });

  it("an account name shared by several accounts offers each of them, by id", async () => {
    const { html } = await withoutAwsCalls(stack, () =>
      open(bob, "account=acme-shared&role=Developer&region=eu-west-2&destination=ec2"),
    );
    const choices = texts(html, "deep-link-choice");
    expect(choices).toHaveLength(2);
    expect(choices.some((c) => c.includes("111122223333"))).toBe(true);
    expect(choices.some((c) => c.includes("444455556666"))).toBe(true);
    expect(html).toContain(
      "/console?account=111122223333&amp;role=Developer&amp;region=eu-west-2&amp;destination=ec2",
    );
    for (const id of sharedRoles) expect(html).not.toContain(id);
  });
});

describe("opening without a click only when the navigation is the user's own", () => {
  const LINK = "account=acme-staging&role=Developer&region=eu-west-1";

  it.each([
    { site: "same-origin" as const, auto: true },
    { site: "none" as const, auto: true },
    { site: "same-site" as const, auto: false },
    { site: "cross-site" as const, auto: false },
    { site: null, auto: false },
  ])("Sec-Fetch-Site $site → opens at once: $auto", async ({ site, auto }) => {
    const { html } = await withoutAwsCalls(stack, () => open(bob, LINK, site));
    expect(texts(html, "deep-link-title")).toEqual(["Open Developer in acme-staging (eu-west-1)"]);
    expect(html.includes('data-testid="deep-link-opening"')).toBe(auto);
    expect(html.includes('data-testid="deep-link-confirm"')).toBe(!auto);
  });
});
