// The demo data set: the accounts, roles and access rules of dev/demo-world.ts, and the demo users
// of dev/demo-users.ts (so that a rule can name a single user before they first sign in). Used by
// `npm run demo`, `npm run db:seed` and the tests. Refuses to touch a database that already has
// accounts.
import { demoUsers } from "../dev/demo-users";
import { demoAccounts, demoSamlProviderArn } from "../dev/demo-world";
import { roleSessionNameCandidates } from "../lib/aws/role-session-name";
import type { Db } from "../lib/db/client";

export interface SeedResult {
  seeded: boolean;
  accounts: number;
  roles: number;
  rules: number;
}

export async function seedDemo(db: Db, opts: { issuer: string }): Promise<SeedResult> {
  if ((await db.awsAccount.count()) > 0) return { seeded: false, accounts: 0, roles: 0, rules: 0 };
  const issuer = opts.issuer.replace(/\/+$/, "");
  const userIds = new Map<string, string>();
  for (const u of demoUsers) {
    const [roleSessionName] = roleSessionNameCandidates({
      email: u.email,
      username: u.username,
      stableKey: `${issuer}|${u.subject}`,
    });
    const user = await db.user.upsert({
      where: { issuer_subject: { issuer, subject: u.subject } },
      update: {},
      create: {
        issuer,
        subject: u.subject,
        email: u.email,
        emailVerified: true, // the demo OIDC IdP sends email_verified: true
        displayName: u.name,
        groupsJson: JSON.stringify(u.groups),
        roleSessionName: roleSessionName!,
        person: { create: {} },
      },
    });
    userIds.set(u.username, user.personId);
  }
  let roles = 0;
  let rules = 0;
  for (const a of demoAccounts) {
    const account = await db.awsAccount.create({
      data: {
        accountId: a.id,
        name: a.name,
        alias: a.alias ?? "",
        environment: a.environment,
        description: a.description,
      },
    });
    for (const r of a.roles) {
      const role = await db.role.create({
        data: {
          awsAccountId: account.id,
          name: r.name,
          arn: `arn:aws:iam::${a.id}:role/${r.name}`,
          description: r.description,
          maxSessionDurationSeconds: r.maxSessionDurationSeconds,
          requiresBrokerMfa: r.requiresBrokerMfa ?? false,
          ...(r.assumeMethod === "assume-role-with-saml"
            ? { assumeMethod: "assume-role-with-saml", samlProviderArn: demoSamlProviderArn(a.id) }
            : {}),
        },
      });
      roles += 1;
      for (const g of r.grants) {
        const personId = g.user ? userIds.get(g.user) : undefined;
        if (g.user && !personId) throw new Error(`demo grant names unknown user ${g.user}`);
        await db.accessRule.create({
          data: {
            roleId: role.id,
            groupName: g.group ?? null,
            personId: personId ?? null,
            maxSessionDurationSeconds: g.maxSessionDurationSeconds,
            allowConsole: g.allowConsole,
            allowCli: g.allowCli,
            description: g.eligible ? "demo seed: by request, approved by an admin" : "demo seed",
            createdBy: "seed",
            ...(g.eligible
              ? {
                  kind: "eligible",
                  approversJson: JSON.stringify(
                    g.eligible.approverGroups.map((group) => ({ group })),
                  ),
                  maxElevationSeconds: g.eligible.maxElevationSeconds,
                }
              : {}),
          },
        });
        rules += 1;
      }
    }
  }
  return { seeded: true, accounts: demoAccounts.length, roles, rules };
}
