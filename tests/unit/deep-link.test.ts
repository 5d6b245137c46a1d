import { describe, expect, it } from "vitest";

import { buildDeepLink, parseDeepLink, type DeepLinkProblem } from "@/lib/access/deep-link";
import { deepLinkPath } from "@/lib/access/deep-link-path";
import { safeReturnPath } from "@/lib/http/return-path";

/** Parses a built link the way the /console page gets it: from the URL a browser would request. */
function parseHref(href: string) {
  return parseDeepLink(new URL(href, "https://portal.example").searchParams);
}

function problemsOf(params: Parameters<typeof parseDeepLink>[0]): DeepLinkProblem[] {
  const result = parseDeepLink(params);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.link)}`);
  return result.problems;
}

describe("buildDeepLink", () => {
  it("puts the parameters in the order account, role, region, destination", () => {
    expect(
      buildDeepLink({
        destination: "ec2",
        region: "eu-west-1",
        role: "Developer",
        account: "123456789012",
      }),
    ).toBe("/console?account=123456789012&role=Developer&region=eu-west-1&destination=ec2");
  });

  it("leaves out an absent or empty region and destination", () => {
    expect(buildDeepLink({ account: "acme", role: "Admin" })).toBe(
      "/console?account=acme&role=Admin",
    );
    expect(buildDeepLink({ account: "acme", role: "Admin", region: "", destination: "" })).toBe(
      "/console?account=acme&role=Admin",
    );
  });

  it("encodes what a query decoder would misread, and keeps / : @ readable", () => {
    expect(
      buildDeepLink({
        account: "Acme Prod",
        role: "a+b=c,d.e@f_g-h",
        destination: "https://console.aws.amazon.com/ec2/home?region=eu-west-1&x=1#Instances:",
      }),
    ).toBe(
      "/console?account=Acme%20Prod&role=a%2Bb%3Dc%2Cd.e@f_g-h" +
        "&destination=https://console.aws.amazon.com/ec2/home%3Fregion%3Deu-west-1%26x%3D1%23Instances:",
    );
  });

  it.each([
    ["an account that is neither id nor name", { account: "acme/prod", role: "R" }, /account:/],
    ["a role ARN", { account: "acme", role: "arn:aws:iam::123456789012:role/R" }, /role:/],
    ["a bad region", { account: "acme", role: "R", region: "mars-1" }, /region:/],
    ["two problems at once", { account: "", role: "" }, /account: .*; role: /],
  ])("throws RangeError for %s", (_rule, input, message) => {
    expect(() => buildDeepLink(input)).toThrow(RangeError);
    expect(() => buildDeepLink(input)).toThrow(message);
  });
});

describe("build → parse round trip", () => {
  it.each([
    [
      { account: "123456789012", role: "Developer" },
      { kind: "id", accountId: "123456789012" },
    ],
    [
      { account: "000000000001", role: "R" },
      { kind: "id", accountId: "000000000001" },
    ],
    [
      { account: "acme", role: "ReadOnly" },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "Acme Prod EU", role: "Admin" },
      { kind: "name", name: "Acme Prod EU" },
    ],
    [
      { account: "a.b_c-d", role: "x" },
      { kind: "name", name: "a.b_c-d" },
    ],
    [
      { account: "n".repeat(64), role: "r".repeat(64) },
      { kind: "name", name: "n".repeat(64) },
    ],
    [
      { account: "acme", role: "a+b" },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "acme", role: "x=y" },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "acme", role: "user@example.com" },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "acme", role: "a,b.c" },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "acme", role: "Dev", region: "us-gov-west-1", destination: "cloudwatch" },
      { kind: "name", name: "acme" },
    ],
    [
      {
        account: "123456789012",
        role: "Dev",
        region: "eu-west-1",
        destination: "/ec2/home?region=eu-west-1&a=b#Instances:instanceState=running",
      },
      { kind: "id", accountId: "123456789012" },
    ],
    [
      {
        account: "acme",
        role: "Dev",
        destination: "/cloudwatch/home#logsV2:log-groups/log-group/$252Faws$252Flambda%20x+y",
      },
      { kind: "name", name: "acme" },
    ],
    [
      {
        account: "acme",
        role: "Dev",
        destination:
          "https://eu-west-1.console.aws.amazon.com/iam/home?x=1&y=a%26b#/users/details/a@b.c",
      },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "acme", role: "Dev", destination: "/x?" + "q".repeat(2045) },
      { kind: "name", name: "acme" },
    ],
    [
      { account: "acme", role: "Dev", destination: "/café?q=ü" },
      { kind: "name", name: "acme" },
    ],
  ] as const)("%j", (input, account) => {
    const href = buildDeepLink(input);
    expect(href).not.toMatch(/[ #+]/);
    const parsed = parseHref(href);
    expect(parsed).toEqual({
      ok: true,
      link: {
        account,
        role: input.role,
        ...("region" in input ? { region: input.region } : {}),
        ...("destination" in input ? { destination: input.destination } : {}),
      },
    });
    // The same link read the way a Next.js page receives it (a plain record) gives the same answer.
    expect(
      parseDeepLink(Object.fromEntries(new URL(href, "https://portal.example").searchParams)),
    ).toEqual(parsed);
  });

  it("trims spaces around an account name or id", () => {
    expect(parseDeepLink({ account: "  acme  ", role: "R" })).toEqual({
      ok: true,
      link: { account: { kind: "name", name: "acme" }, role: "R" },
    });
    expect(parseDeepLink({ account: " 123456789012 ", role: "R" })).toEqual({
      ok: true,
      link: { account: { kind: "id", accountId: "123456789012" }, role: "R" },
    });
  });

  it("reads a form-encoded space (+) in an account name as a space", () => {
    expect(parseHref("/console?account=Acme+Prod&role=R")).toMatchObject({
      ok: true,
      link: { account: { kind: "name", name: "Acme Prod" } },
    });
  });

  it("treats an empty region or destination as not given", () => {
    expect(parseHref("/console?account=acme&role=R&region=&destination=")).toEqual({
      ok: true,
      link: { account: { kind: "name", name: "acme" }, role: "R" },
    });
  });
});

describe("parseDeepLink refuses bad links, listing every problem", () => {
  it.each<[string, Parameters<typeof parseDeepLink>[0], Array<[string, RegExp]>]>([
    ["account is required", { role: "R" }, [["account", /account is required/]]],
    ["role is required", { account: "acme" }, [["role", /role is required/]]],
    [
      "both are required",
      {},
      [
        ["account", /required/],
        ["role", /required/],
      ],
    ],
    ["an empty account", { account: "", role: "R" }, [["account", /12-digit id or a name/]]],
    ["a blank account", { account: "   ", role: "R" }, [["account", /12-digit id or a name/]]],
    [
      "an 11-digit id",
      { account: "12345678901", role: "R" },
      [["account", /exactly 12 digits; this one has 11/]],
    ],
    ["a 13-digit id", { account: "1234567890123", role: "R" }, [["account", /has 13/]]],
    ["a name of 65 characters", { account: "n".repeat(65), role: "R" }, [["account", /1 to 64/]]],
    [
      "a name with a slash",
      { account: "acme/prod", role: "R" },
      [["account", /12-digit id or a name/]],
    ],
    [
      "a name with non-ASCII",
      { account: "café", role: "R" },
      [["account", /12-digit id or a name/]],
    ],
    [
      "a name with a newline",
      { account: "acme\nprod", role: "R" },
      [["account", /12-digit id or a name/]],
    ],
    ["an empty role", { account: "acme", role: "" }, [["role", /IAM role name/]]],
    ["a role of 65 characters", { account: "acme", role: "r".repeat(65) }, [["role", /1 to 64/]]],
    [
      "a role ARN",
      { account: "acme", role: "arn:aws:iam::123456789012:role/R" },
      [["role", /not an ARN/]],
    ],
    ["a role with a path", { account: "acme", role: "team/R" }, [["role", /no path/]]],
    ["a role with a space", { account: "acme", role: "Read Only" }, [["role", /IAM role name/]]],
    [
      "a role with a control character",
      { account: "acme", role: "R\0" },
      [["role", /IAM role name/]],
    ],
    [
      "an unknown region",
      { account: "acme", role: "R", region: "eu-middle-1" },
      [["region", /AWS region code/]],
    ],
    [
      "an upper-case region",
      { account: "acme", role: "R", region: "EU-WEST-1" },
      [["region", /AWS region code/]],
    ],
    [
      "a region with a host",
      { account: "acme", role: "R", region: "us-east-1.evil.example" },
      [["region", /AWS region code/]],
    ],
    [
      "an over-long destination",
      { account: "acme", role: "R", destination: "/" + "x".repeat(2048) },
      [["destination", /longer than 2048/]],
    ],
    [
      "a destination with a newline",
      { account: "acme", role: "R", destination: "/ec2\n/home" },
      [["destination", /control character/]],
    ],
    [
      "a destination with a NUL",
      { account: "acme", role: "R", destination: "/ec2\0" },
      [["destination", /control character/]],
    ],
    [
      "a destination with a C1 control",
      { account: "acme", role: "R", destination: "/ec2\u009b" },
      [["destination", /control character/]],
    ],
    [
      "a destination with DEL",
      { account: "acme", role: "R", destination: "/ec2\x7f" },
      [["destination", /control character/]],
    ],
    [
      "an unknown parameter",
      { account: "acme", role: "R", roleArn: "x" },
      [
        [
          "roleArn",
          /unknown parameter 'roleArn'; a console link takes account, role, region, destination/,
        ],
      ],
    ],
    [
      "a parameter in the wrong case",
      { Account: "acme", role: "R" },
      [
        ["account", /required/],
        ["Account", /unknown parameter/],
      ],
    ],
    [
      "a repeated account",
      { account: ["acme", "other"], role: "R" },
      [["account", /given 2 times; give it once/]],
    ],
    [
      "a repeated destination",
      { account: "acme", role: "R", destination: ["ec2", "s3", "iam"] },
      [["destination", /given 3 times/]],
    ],
    [
      "everything wrong at once",
      { account: "x/y", role: "a b", region: "nowhere", destination: "\n", extra: "1", other: "2" },
      [
        ["account", /./],
        ["role", /./],
        ["region", /./],
        ["destination", /./],
        ["extra", /unknown/],
        ["other", /unknown/],
      ],
    ],
  ])("%s", (_rule, params, expected) => {
    const problems = problemsOf(params);
    expect(problems.map((p) => p.param)).toEqual(expected.map(([param]) => param));
    problems.forEach((problem, i) => expect(problem.message).toMatch(expected[i]?.[1] ?? /^$/));
  });

  it("refuses repeated parameters given as URLSearchParams", () => {
    const problems = problemsOf(new URLSearchParams("account=acme&role=R&role=Admin"));
    expect(problems).toEqual([{ param: "role", message: "role is given 2 times; give it once" }]);
  });

  it("summarizes a flood of unknown parameters instead of listing each", () => {
    const params = new URLSearchParams("account=acme&role=R");
    for (let i = 0; i < 500; i += 1) params.append(`p${i}`, "x");
    const problems = problemsOf(params);
    expect(problems).toHaveLength(11);
    expect(problems.at(-1)?.message).toBe("and 490 more unknown parameters");
  });

  it("echoes unknown parameter names only as bounded, printable text", () => {
    const problems = problemsOf({ account: "acme", role: "R", [`\u202e${"z".repeat(100)}`]: "x" });
    expect(problems[0]?.param).toMatch(/^\?z{36}\.\.\.$/);
  });
});

describe("deepLinkPath (the path to return to after sign-in or a step-up)", () => {
  it.each([
    ["no known parameter gives the bare page", {}, "/console"],
    [
      "known parameters in a fixed order, unknown ones dropped",
      { destination: "ec2", evil: "x", role: "Admin", account: "acme" },
      "/console?account=acme&role=Admin&destination=ec2",
    ],
    ["only the first of a repeated parameter", { role: ["Admin", "Other"] }, "/console?role=Admin"],
    [
      "everything but unreserved characters percent-encoded",
      { destination: "s3/buckets?x=1&y='(*)'!~" },
      "/console?destination=s3%2Fbuckets%3Fx%3D1%26y%3D%27%28%2A%29%27%21%7E",
    ],
  ])("%s", (_rule, params, expected) => {
    expect(deepLinkPath(params)).toBe(expected);
  });

  it("cuts a value at 1,024 characters, and the result is a safe return path", () => {
    const path = deepLinkPath({ account: "a".repeat(5000), role: "Admin" });
    expect(path).toBe(`/console?account=${"a".repeat(1024)}&role=Admin`);
    expect(safeReturnPath(path)).toBe(path);
  });

  it("round-trips through the parser", () => {
    const params = {
      account: "123456789012",
      role: "Dev",
      region: "eu-west-1",
      destination: "ec2",
    };
    const parsed = parseHref(deepLinkPath(params));
    expect(parsed.ok && parsed.link).toMatchObject({ role: "Dev", region: "eu-west-1" });
  });
});
