import { describe, expect, it } from "vitest";

import type { PortalRole, RolesAnswer } from "@/cli/gatehouse/api-types";
import { applyManagedProfiles } from "@/cli/gatehouse/aws-config-file";
import { planProfiles } from "@/cli/gatehouse/commands/setup-profiles";
import { CliError } from "@/cli/gatehouse/exit-codes";

const PORTAL = "https://gatehouse.example.com";
const PROGRAM = ["/usr/bin/node", "/opt/gatehouse/cli/dist/gatehouse.mjs"];

const role = (roleName: string, change: Partial<PortalRole> = {}): PortalRole => ({
  roleId: `id-${roleName}`,
  roleName,
  allowConsole: true,
  allowCli: true,
  needsMfa: false,
  duration: { minSeconds: 900, maxSeconds: 3600, defaultSeconds: 3600 },
  ...change,
});

const answer: RolesAnswer = {
  defaultRegion: "eu-west-1",
  accounts: [
    {
      accountId: "111111111111",
      name: "acme staging",
      roles: [
        role("Developer"),
        role("ConsoleOnly", { allowCli: false }),
        role("ViaIdp", { viaSamlApp: true }),
      ],
    },
    { accountId: "333333333333", name: "acme production", roles: [role("Developer")] },
  ],
};

describe("which profiles setup-profiles writes", () => {
  const plan = planProfiles(
    answer,
    { prefix: "", region: undefined, portalUrl: PORTAL, program: PROGRAM },
    "linux",
  );

  it("one per role usable from the CLI; console-only and IdP-app roles get none", () => {
    expect(plan.profiles.map((p) => p.name)).toEqual([
      "acme-staging.Developer",
      "acme-production.Developer",
    ]);
    expect(plan.notes.join("\n")).toMatch(
      /111111111111\/ViaIdp: reached through your IdP's AWS app/,
    );
    expect(plan.notes.join("\n")).not.toMatch(/ConsoleOnly/);
  });

  it("refers to the role by account id (never ambiguous) and names the portal", () => {
    expect(plan.profiles[0]?.settings).toEqual([
      [
        "credential_process",
        `${PROGRAM.join(" ")} creds 111111111111/Developer --portal ${PORTAL}`,
      ],
      ["region", "eu-west-1"],
    ]);
  });

  it("--region sets the profiles' region and is passed on to creds", () => {
    const withRegion = planProfiles(
      answer,
      { prefix: "gh-", region: "us-east-1", portalUrl: PORTAL, program: PROGRAM },
      "linux",
    );
    expect(withRegion.profiles[0]).toEqual({
      name: "gh-acme-staging.Developer",
      settings: [
        [
          "credential_process",
          `${PROGRAM.join(" ")} creds 111111111111/Developer --portal ${PORTAL} --region us-east-1`,
        ],
        ["region", "us-east-1"],
      ],
    });
  });

  it("refuses a default region from the portal that is not a region code (it goes into the file)", () => {
    expect(() =>
      planProfiles(
        { ...answer, defaultRegion: "eu-west-1\n[profile x]" },
        { prefix: "", region: undefined, portalUrl: PORTAL, program: PROGRAM },
      ),
    ).toThrow(CliError);
  });
});

describe("profile names are stable: two accounts whose names reduce alike both use their ids", () => {
  const account = (accountId: string, name: string, roles = [role("Developer")]) => ({
    accountId,
    name,
    roles,
  });
  const cases: Array<[string, RolesAnswer["accounts"], string[]]> = [
    [
      "the first listed does not keep the shared name",
      [account("111111111111", "acme staging"), account("222222222222", "acme-staging")],
      ["111111111111.Developer", "222222222222.Developer"],
    ],
    [
      "the order the portal lists them in changes nothing",
      [account("222222222222", "acme-staging"), account("111111111111", "acme staging")],
      ["222222222222.Developer", "111111111111.Developer"],
    ],
    [
      "an account without a clash keeps its name",
      [
        account("111111111111", "acme staging"),
        account("222222222222", "acme-staging"),
        account("333333333333", "acme prod"),
      ],
      ["111111111111.Developer", "222222222222.Developer", "acme-prod.Developer"],
    ],
    [
      "two roles of one account keep the account's name",
      [account("111111111111", "acme", [role("Developer"), role("ReadOnly")])],
      ["acme.Developer", "acme.ReadOnly"],
    ],
    [
      "two roles that reduce to one name get no profile at all",
      [account("111111111111", "acme", [role("Dev.Ops"), role("Dev-Ops"), role("Admin")])],
      ["acme.Admin"],
    ],
  ];
  it.each(cases)("%s", (_name, accounts, names) => {
    const plan = planProfiles(
      { defaultRegion: "eu-west-1", accounts },
      { prefix: "", region: undefined, portalUrl: PORTAL, program: PROGRAM },
      "linux",
    );
    expect(plan.profiles.map((p) => p.name)).toEqual(names);
  });
});

describe("an existing profile is never pointed at another account without a warning", () => {
  const profile = (name: string, accountId: string) => ({
    name,
    settings: [
      [
        "credential_process",
        `${PROGRAM.join(" ")} creds ${accountId}/Developer --portal ${PORTAL}`,
      ],
      ["region", "eu-west-1"],
    ] as const,
  });
  const before = applyManagedProfiles("", PORTAL, [profile("acme.Developer", "111111111111")]).text;
  const cases: Array<[string, string, Array<{ name: string; from: string; to: string }>]> = [
    ["the same account: no warning", "111111111111", []],
    [
      "another account: reported with both ids",
      "222222222222",
      [{ name: "acme.Developer", from: "111111111111", to: "222222222222" }],
    ],
  ];
  it.each(cases)("%s", (_name, accountId, retargeted) => {
    const edit = applyManagedProfiles(before, PORTAL, [profile("acme.Developer", accountId)]);
    expect(edit.retargeted).toEqual(retargeted);
  });
});
