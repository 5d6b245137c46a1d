import { describe, expect, it } from "vitest";

import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { filterAccountViews } from "@/lib/access/filter-account-views";
import { arnSearchNote } from "@/lib/access/role-arn-query";
import { buildSearchIndex, searchAccountsRead } from "@/lib/access/role-search";

/**
 * A role ARN pasted into the accounts search (from the IAM console, an AccessDenied message or
 * CloudTrail) finds exactly the role it names: account id and role name, whatever the partition,
 * path or session; anything else that begins with `arn:` finds nothing.
 */

const role = (roleName: string, description = "") =>
  ({ roleId: `r-${roleName}`, roleName, description }) as unknown as RoleView;
const account = (name: string, accountId: string, roles: RoleView[]): AccountView => ({
  name,
  alias: "",
  accountId,
  environment: "",
  description: "",
  roles,
});

const accounts: AccountView[] = [
  account("acme-staging", "345678901234", [role("Developer"), role("Administrator")]),
  account("acme-sandbox", "456789012345", [
    role("Developer", "Same role name as staging's"),
    role("DataScience"),
  ]),
  account("gov-workloads", "111122223333", [role("Operator")]),
];

const shown = (query: string) =>
  filterAccountViews(accounts, query).accounts.flatMap((a) =>
    a.roles.map((r) => `${a.name}/${r.roleName}`),
  );

describe("a pasted role ARN finds the role it names, and only that one", () => {
  it.each([
    ["role ARN", "arn:aws:iam::345678901234:role/Developer", ["acme-staging/Developer"]],
    [
      "same role name, other account",
      "arn:aws:iam::456789012345:role/Developer",
      ["acme-sandbox/Developer"],
    ],
    [
      "assumed-role ARN maps to its role",
      "arn:aws:sts::345678901234:assumed-role/Developer/alice@corp",
      ["acme-staging/Developer"],
    ],
    [
      "GovCloud partition",
      "arn:aws-us-gov:iam::111122223333:role/Operator",
      ["gov-workloads/Operator"],
    ],
    [
      "GovCloud assumed role",
      "arn:aws-us-gov:sts::111122223333:assumed-role/Operator/bob",
      ["gov-workloads/Operator"],
    ],
    [
      "China partition",
      "arn:aws-cn:iam::456789012345:role/DataScience",
      ["acme-sandbox/DataScience"],
    ],
    [
      "role path is not part of the name",
      "arn:aws:iam::345678901234:role/team/platform/Developer",
      ["acme-staging/Developer"],
    ],
    [
      "role names compare without case, as IAM does",
      "arn:aws:iam::345678901234:role/developer",
      ["acme-staging/Developer"],
    ],
    [
      "surrounding whitespace from a paste",
      "  arn:aws:iam::345678901234:role/Developer\n",
      ["acme-staging/Developer"],
    ],
    [
      "quoted and comma-ended, copied from JSON",
      '"arn:aws:iam::345678901234:role/Developer",',
      ["acme-staging/Developer"],
    ],
    [
      "ANDed with another term",
      "arn:aws:iam::345678901234:role/Developer staging",
      ["acme-staging/Developer"],
    ],
  ])("%s: %j", (_rule, query, expected) => {
    expect(shown(query)).toEqual(expected);
  });
});

describe("a pasted sentence around a role ARN finds the role the ARN names", () => {
  it.each([
    [
      "an AccessDenied message: the caller's assumed role and the target role",
      "User: arn:aws:sts::456789012345:assumed-role/DataScience/bob@corp is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::345678901234:role/Administrator",
      ["acme-staging/Administrator", "acme-sandbox/DataScience"],
    ],
    [
      "a sentence's full stop after the ARN",
      "Use arn:aws:iam::345678901234:role/Developer.",
      ["acme-staging/Developer"],
    ],
    [
      "an ARN in brackets",
      "the role (arn:aws:iam::111122223333:role/Operator) was denied",
      ["gov-workloads/Operator"],
    ],
    [
      "alone, with a full stop",
      "arn:aws:iam::456789012345:role/DataScience.",
      ["acme-sandbox/DataScience"],
    ],
    [
      "another service's ARN in the same message is not a role",
      "AccessDenied calling s3:GetObject on arn:aws:s3:::acme-data for arn:aws:sts::456789012345:assumed-role/DataScience/s1",
      ["acme-sandbox/DataScience"],
    ],
    [
      "words the role lacks: the ARN decides",
      "arn:aws:iam::345678901234:role/Developer sandbox",
      ["acme-staging/Developer"],
    ],
  ])("%s", (_rule, query, expected) => {
    expect(shown(query)).toEqual(expected);
  });

  it.each([
    [
      "a sentence whose ARNs name none of the user's roles",
      "User: arn:aws:sts::999999999999:assumed-role/Dev/x is not authorized",
    ],
    ["a sentence with only another service's ARN", "denied on arn:aws:s3:::acme-staging bucket"],
  ])("%s finds nothing", (_rule, query) => {
    expect(shown(query)).toEqual([]);
  });
});

describe("an ARN that names none of the user's roles finds nothing", () => {
  it.each([
    ["wrong account", "arn:aws:iam::999999999999:role/Developer"],
    ["right account, role not granted there", "arn:aws:iam::345678901234:role/DataScience"],
    ["role name is only a prefix", "arn:aws:iam::345678901234:role/Dev"],
    ["eleven-digit account", "arn:aws:iam::34567890123:role/Developer"],
    ["unknown partition", "arn:aws-iso:iam::345678901234:role/Developer"],
    ["IAM ARNs have no region", "arn:aws:iam:eu-west-1:345678901234:role/Developer"],
    ["a user, not a role", "arn:aws:iam::345678901234:user/Developer"],
    ["role/ with no name", "arn:aws:iam::345678901234:role/"],
    ["path with no name", "arn:aws:iam::345678901234:role/team/"],
    ["assumed role without a session", "arn:aws:sts::345678901234:assumed-role/Developer"],
    ["assumed-role under iam", "arn:aws:iam::345678901234:assumed-role/Developer/alice"],
    ["another service's resource", "arn:aws:s3:::acme-staging-developer"],
    ["half an ARN, never typo-forgiven", "arn:aws:iam::3456"],
  ])("%s: %j", (_rule, query) => {
    expect(shown(query)).toEqual([]);
  });
});

describe("when an ARN finds nothing, the page says why", () => {
  it.each([
    [
      "a role ARN names its role",
      "arn:aws:iam::999999999999:role/team/Dev",
      /role Dev in account 999999999999/,
    ],
    [
      "an assumed-role ARN names its role",
      "arn:aws:sts::999999999999:assumed-role/Dev/s1",
      /role Dev in account 999999999999/,
    ],
    ["anything else beginning arn: is not a role ARN", "arn:aws:s3:::bucket", /not a role ARN/],
    [
      "in a sentence, the role ARN is named, not another service's ARN before it",
      "denied on arn:aws:s3:::bucket for arn:aws:sts::999999999999:assumed-role/Dev/s1.",
      /role Dev in account 999999999999/,
    ],
  ])("%s", (_rule, query, note) => {
    expect(arnSearchNote(query)).toMatch(note);
  });

  it("says nothing for a search without an ARN", () => {
    expect(arnSearchNote("staging developer")).toBeNull();
  });
});

describe("a result not matched as typed says how the query was read", () => {
  const readAs = (query: string) => searchAccountsRead(buildSearchIndex(accounts), query).readAs;
  it.each([
    ["words that match", "staging developer", "as-typed"],
    ["a role ARN alone", "arn:aws:iam::345678901234:role/Developer", "as-typed"],
    [
      "an ARN and a word the role has",
      "arn:aws:iam::345678901234:role/Developer staging",
      "as-typed",
    ],
    [
      "a pasted sentence: its ARNs, the other words set aside",
      "User: arn:aws:sts::456789012345:assumed-role/DataScience/bob is not authorized",
      "arns-in-text",
    ],
    ["a slip in a word", "devloper", "close-spellings"],
    ["nothing found at all", "payroll", "as-typed"],
    ["a sentence whose ARNs name no role", "denied on arn:aws:s3:::acme-staging", "as-typed"],
  ])("%s", (_rule, query, expected) => {
    expect(readAs(query)).toBe(expected);
  });
});

describe("the API's filter (gatehouse ls) reads a query as the page does and says how", () => {
  it.each([
    ["no filter: every account, as typed", "", "as-typed", 3],
    ["words that match", "staging administrator", "as-typed", 1],
    [
      "a pasted sentence",
      "User: arn:aws:sts::456789012345:assumed-role/DataScience/bob is not authorized",
      "arns-in-text",
      1,
    ],
    ["a slip in a word", "devloper", "close-spellings", 2],
  ])("%s", (_rule, filter, expected, accountCount) => {
    const { accounts: found, readAs } = filterAccountViews(accounts, filter);
    expect(readAs).toBe(expected);
    expect(found).toHaveLength(accountCount);
  });
});
