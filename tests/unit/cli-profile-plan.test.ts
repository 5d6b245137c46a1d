import { describe, expect, it } from "vitest";

import type { PortalRole, RolesAnswer } from "@/cli/gatehouse/api-types";
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
    // Same name after sanitising: the second falls back to its account id.
    { accountId: "222222222222", name: "acme-staging", roles: [role("Developer")] },
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
      "222222222222.Developer",
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
