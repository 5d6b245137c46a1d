import { describe, expect, it } from "vitest";

import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { filterAccountViews } from "@/lib/access/filter-account-views";
import { slipsToWordStart } from "@/lib/access/typo-match";

/**
 * The accounts search forgives a slip or two, as fuzzy finders do, but only when nothing matches
 * exactly, and never in very short terms or account ids.
 */

const role = (roleName: string, description: string) =>
  ({ roleId: `r-${roleName}`, roleName, description }) as unknown as RoleView;
const account = (name: string, alias: string, accountId: string, roles: RoleView[]) => ({
  name,
  alias,
  accountId,
  environment: "",
  description: "",
  roles,
});

const accounts: AccountView[] = [
  account("acme-production", "acme-prod", "210987654321", [
    role("FederatedReadOnly", "Read-only, federated through the SAML IdP's AWS app"),
    role("ReadOnly", "Read-only view of production"),
  ]),
  account("acme-sandbox", "acme-sbx", "456789012345", [
    role("DataScience", "Notebooks and data exploration"),
    role("Developer", "Build anything in the sandbox"),
  ]),
  account("acme-staging", "acme-stg", "345678901234", [
    role("Developer", "Deploy and debug services in staging"),
  ]),
];

const shown = (query: string) =>
  filterAccountViews(accounts, query).accounts.flatMap((a) =>
    a.roles.map((r) => `${a.name}/${r.roleName}`),
  );

describe("a mistyped search still finds the role it meant", () => {
  it.each([
    ["stagng", ["acme-staging/Developer"]],
    ["stagign developer", ["acme-staging/Developer"]],
    ["developr sandbox", ["acme-sandbox/Developer"]],
    // Inside a CamelCase name too.
    ["readonyl", ["acme-production/FederatedReadOnly", "acme-production/ReadOnly"]],
    ["datascinece", ["acme-sandbox/DataScience"]],
    ["prodcution", ["acme-production/FederatedReadOnly", "acme-production/ReadOnly"]],
  ])("%s → %j", (query, expected) => {
    expect(shown(query)).toEqual(expected);
  });
});

describe("typo tolerance adds nothing when something matches exactly, or where it would guess", () => {
  it.each([
    // An exact match hides near ones ("develop" is exact for both Developers, not fuzzy for others).
    ["develop", ["acme-sandbox/Developer", "acme-staging/Developer"]],
    // Short terms are not forgiven: "dev" one slip from "deb", "dep" … would match anything.
    ["dvx", []],
    // Account ids are matched by prefix only, never approximately.
    ["210987654322", []],
    ["nothing-like-it", []],
  ])("%s → %j", (query, expected) => {
    expect(shown(query)).toEqual(expected);
  });
});

describe("slips to the start of a word", () => {
  it.each([
    ["staging", "staging", 0],
    ["stag", "staging", 0],
    ["stagng", "staging", 1],
    ["satging", "staging", 1],
    ["developr", "developer", 1],
    ["xyz", "staging", 3],
  ])("%s → %s: %i", (term, word, slips) => {
    expect(slipsToWordStart(term, word, 10)).toBe(slips);
  });
});
