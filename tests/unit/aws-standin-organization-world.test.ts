/**
 * The stand-in's checks of an organization and of role paths (a malformed world is a TypeError
 * naming the problem), the trust documents IAM returns for shorthand roles, and the demo world's
 * organization: the seed's accounts unchanged, a few more only the organization knows.
 */
import { describe, expect, it } from "vitest";
import { worldFromDemo, type StandinWorld } from "@/dev/aws-standin/server";
import type { StandinOrganization } from "@/dev/aws-standin/world";
import { indexWorld } from "@/dev/aws-standin/world-index";
import { trustPolicyDocument } from "@/dev/aws-standin/trust-document";
import {
  DEMO_DISCOVERY_ROLE_NAME,
  demoAccounts,
  demoBroker,
  demoDiscoveryOrganizationRoleArn,
  demoUndiscoveredAccounts,
} from "@/dev/demo-world";
import { accountIdAt, organizationWorld } from "@/tests/support/organization-world";

const broker = {
  accessKeyId: "AKIATESTBROKER000001",
  secretAccessKey: "test/broker+Secret=NotValidAnywhere00001",
  arn: "arn:aws:iam::111111111111:user/test-broker",
  account: "111111111111",
};

function withOrganization(change: (org: StandinOrganization) => StandinOrganization): StandinWorld {
  const world = organizationWorld({ accounts: 3, rolesPerAccount: 1, broker });
  if (!world.organization) throw new Error("no organization");
  return { ...world, organization: change(world.organization) };
}

describe("an organization is checked when the stand-in starts", () => {
  const member = accountIdAt(broker, 1);
  const cases: Array<{
    rule: string;
    change: (o: StandinOrganization) => StandinOrganization;
    problem: RegExp;
  }> = [
    {
      rule: "a malformed organization id",
      change: (o) => ({ ...o, id: "o-short" }),
      problem: /id o-short/,
    },
    {
      rule: "a malformed root id",
      change: (o) => ({ ...o, rootId: "root" }),
      problem: /root id root/,
    },
    {
      rule: "a unit id under another root",
      change: (o) => ({
        ...o,
        organizationalUnits: [{ id: "ou-abcd-12345678", name: "Elsewhere", parentId: o.rootId }],
      }),
      problem: /unit id ou-abcd-12345678/,
    },
    {
      rule: "a unit whose parent does not exist",
      change: (o) => ({
        ...o,
        organizationalUnits: [
          { id: "ou-te57-orphan01", name: "Orphan", parentId: "ou-te57-missing1" },
        ],
        members: o.members.map((m) => ({ ...m, parentId: undefined })),
      }),
      problem: /parent ou-te57-missing1/,
    },
    {
      rule: "units that are each other's parents",
      change: (o) => ({
        ...o,
        organizationalUnits: [
          { id: "ou-te57-aaaaaaaa", name: "A", parentId: "ou-te57-bbbbbbbb" },
          { id: "ou-te57-bbbbbbbb", name: "B", parentId: "ou-te57-aaaaaaaa" },
        ],
        members: o.members.map((m) => ({ ...m, parentId: undefined })),
      }),
      problem: /cycle/,
    },
    {
      rule: "units nested six deep",
      change: (o) => ({
        ...o,
        organizationalUnits: Array.from({ length: 6 }, (_, i) => ({
          id: `ou-te57-level00${i}`,
          name: `L${i}`,
          parentId: i === 0 ? o.rootId : `ou-te57-level00${i - 1}`,
        })),
        members: o.members.map((m) => ({ ...m, parentId: undefined })),
      }),
      problem: /nested 6 deep/,
    },
    {
      rule: "a management account that is not a member",
      change: (o) => ({ ...o, managementAccountId: "999999999999" }),
      problem: /management account 999999999999 is not a member/,
    },
    {
      rule: "a member listed twice",
      change: (o) => ({ ...o, members: [...o.members, o.members[1]!] }),
      problem: new RegExp(`${member} is a member twice`),
    },
    {
      rule: "a delegated administrator that is not a member",
      change: (o) => ({ ...o, delegatedAdministratorIds: ["999999999999"] }),
      problem: /delegated administrator 999999999999/,
    },
    {
      rule: "the management account as its own delegated administrator",
      change: (o) => ({ ...o, delegatedAdministratorIds: [o.managementAccountId] }),
      problem: /cannot be a delegated administrator/,
    },
    {
      rule: "a member email that is no address",
      change: (o) => ({ ...o, members: o.members.map((m) => ({ ...m, email: "nobody" })) }),
      problem: /email nobody/,
    },
    {
      rule: "an aws: tag key",
      change: (o) => ({ ...o, members: o.members.map((m) => ({ ...m, tags: { "aws:x": "y" } })) }),
      problem: /tag key "aws:x"/,
    },
  ];

  it.each(cases)("refuses $rule", ({ change, problem }) => {
    expect(() => indexWorld(withOrganization(change))).toThrow(TypeError);
    expect(() => indexWorld(withOrganization(change))).toThrow(problem);
  });

  it("refuses a member in another partition than the management account", () => {
    const world = withOrganization((o) => o);
    const moved = accountIdAt(broker, 2);
    world.accounts = world.accounts.map((a) =>
      a.id === moved ? { ...a, partition: "aws-us-gov" as const } : a,
    );
    expect(() => indexWorld(world)).toThrow(/is in aws-us-gov, the management account in aws/);
  });
});

describe("roles have IAM paths", () => {
  const roleWith = (path: string) => ({
    principals: [],
    accounts: [
      {
        id: "111111111111",
        roles: [
          {
            name: "Pathed",
            path,
            maxSessionDurationSeconds: 3600,
            trustedPrincipalArns: [],
            allowsSourceIdentity: false,
            allowsTagSession: false,
          },
        ],
      },
    ],
  });

  it.each(["teams", "/teams", "//", "/a b/"])("refuses the path %j", (path) => {
    expect(() => indexWorld(roleWith(path))).toThrow(/path .* is not \/ or \/a\/b\//);
  });

  it("finds a role by its ARN only with its path", () => {
    const index = indexWorld(roleWith("/teams/platform/"));
    expect(index.roleByArn("arn:aws:iam::111111111111:role/teams/platform/Pathed")?.name).toBe(
      "Pathed",
    );
    expect(index.roleByArn("arn:aws:iam::111111111111:role/Pathed")).toBeUndefined();
    expect(index.roleByArn("arn:aws:iam::111111111111:role/teams/Pathed")).toBeUndefined();
  });
});

describe("a shorthand role's trust is written as the IAM document it stands for", () => {
  const index = indexWorld({
    principals: [],
    accounts: [
      {
        id: "111111111111",
        roles: [
          {
            name: "Nobody",
            maxSessionDurationSeconds: 3600,
            trustedPrincipalArns: [],
            allowsSourceIdentity: true,
            allowsTagSession: false,
          },
          {
            name: "Two",
            maxSessionDurationSeconds: 3600,
            trustedPrincipalArns: [broker.arn, "arn:aws:iam::222222222222:root"],
            allowsSourceIdentity: false,
            allowsTagSession: false,
          },
        ],
      },
    ],
  });
  const documentOf = (name: string) => {
    const role = index.roleByArn(`arn:aws:iam::111111111111:role/${name}`);
    if (!role) throw new Error(`no role ${name}`);
    return JSON.parse(trustPolicyDocument(role)) as unknown;
  };

  it("denies everyone when it trusts nobody (IAM has no empty trust policy)", () => {
    expect(documentOf("Nobody")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
    });
  });

  it("lists several principals, and one action as a string", () => {
    expect(documentOf("Two")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: [broker.arn, "arn:aws:iam::222222222222:root"] },
          Action: "sts:AssumeRole",
        },
      ],
    });
  });
});

describe("the demo world's organization", () => {
  const world = worldFromDemo();
  const index = indexWorld(world);
  const organization = index.organization();

  it("is managed from the broker's account and holds every demo account plus the undiscovered ones", () => {
    expect(organization?.managementAccountId).toBe(demoBroker.account);
    const ids = organization?.members().map((m) => m.id) ?? [];
    for (const account of [...demoAccounts, ...demoUndiscoveredAccounts])
      expect(ids).toContain(account.id);
    const seeded = new Set(demoAccounts.map((a) => a.id));
    expect(demoUndiscoveredAccounts.every((a) => !seeded.has(a.id))).toBe(true);
  });

  it("keeps every seeded role as the demo describes it", () => {
    for (const account of demoAccounts) {
      for (const role of account.roles) {
        const found = index.roleByArn(`arn:aws:iam::${account.id}:role/${role.name}`);
        expect(found).toMatchObject({
          maxSessionDurationSeconds: role.maxSessionDurationSeconds,
          description: role.description,
        });
      }
    }
  });

  it("has the read-only discovery role in every member, reading Organizations only in the management account", () => {
    for (const member of organization?.members() ?? []) {
      const role = index.roleByArn(`arn:aws:iam::${member.id}:role/${DEMO_DISCOVERY_ROLE_NAME}`);
      expect(role?.trustedPrincipalArns).toEqual([demoBroker.arn]);
      const actions = role?.permissions?.statements.flatMap((s) => s.actions) ?? [];
      expect(actions).toContain("iam:ListRoles");
      expect(actions.some((a) => a.startsWith("organizations:"))).toBe(
        member.id === demoBroker.account,
      );
    }
    expect(index.roleByArn(demoDiscoveryOrganizationRoleArn())).toBeDefined();
  });
});
