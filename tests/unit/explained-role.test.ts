import { describe, expect, it } from "vitest";
import { explainedRoleArn, type NamedRole } from "@/app/admin/access/review-query";

const PROD = {
  accountId: "210987654321",
  accountName: "acme-production",
  accountAlias: "acme-prod",
};
const STAGING = {
  accountId: "345678901234",
  accountName: "acme-staging",
  accountAlias: "acme-stg",
};
const ROLES: NamedRole[] = [
  { ...PROD, roleName: "ReadOnly", arn: "arn:aws:iam::210987654321:role/ReadOnly" },
  { ...PROD, roleName: "Administrator", arn: "arn:aws:iam::210987654321:role/Administrator" },
  { ...STAGING, roleName: "ReadOnly", arn: "arn:aws:iam::345678901234:role/ReadOnly" },
  // Two accounts sharing an alias: the alias names neither.
  {
    ...STAGING,
    accountId: "111122223333",
    accountName: "acme-staging-2",
    roleName: "Dev",
    arn: "a1",
  },
  {
    ...STAGING,
    accountId: "444455556666",
    accountName: "acme-staging-3",
    roleName: "Dev",
    arn: "a2",
  },
];

describe("explainedRoleArn: Explain's role field", () => {
  it.each([
    [
      "account name / role",
      "acme-production / ReadOnly",
      "arn:aws:iam::210987654321:role/ReadOnly",
    ],
    ["without spaces", "acme-staging/ReadOnly", "arn:aws:iam::345678901234:role/ReadOnly"],
    [
      "account id / role",
      "210987654321 / Administrator",
      "arn:aws:iam::210987654321:role/Administrator",
    ],
    ["alias / role", " acme-prod / ReadOnly ", "arn:aws:iam::210987654321:role/ReadOnly"],
    [
      "an ARN, as given",
      "arn:aws:iam::999999999999:role/Other",
      "arn:aws:iam::999999999999:role/Other",
    ],
    ["a role the account lacks", "acme-staging / Administrator", null],
    ["an unknown account", "acme-dev / ReadOnly", null],
    ["a role name alone", "ReadOnly", null],
    ["an alias two accounts share", "acme-stg / Dev", null],
    ["the wrong case (names are exact)", "Acme-Production / readonly", null],
  ])("%s", (_case, input, expected) => {
    expect(explainedRoleArn(input, ROLES)).toBe(expected);
  });
});
