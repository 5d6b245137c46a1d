/**
 * Roles and principals described by real IAM JSON documents — the trust policy and permission
 * policy an operator would paste — and AWS's verdict on them, observed through the real
 * @aws-sdk/client-sts: every condition the stand-in models, and an AccessDenied that names the
 * exact action missing (the portal's "Check a role" reads it from the message).
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandInput,
} from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  definePolicyRole,
  parseIamPolicy,
  startAwsStandin,
  type AwsStandin,
  type StandinWorld,
} from "@/dev/aws-standin/server";
import {
  buildAwsSamlResponse,
  encodePostBinding,
  FIXTURE_IDP_ENTITY_ID,
  getTestSigningKey,
} from "@/tests/support/saml-fixtures";
import {
  centerInTotpStep,
  createTestClock,
  idpMetadata,
  keysOf,
  mfaCodeAt,
  roleArnOf,
  stsClient,
  stsFailure,
  TEST_ACCOUNT,
  testBroker,
  testBrokerMfa,
  testOutsider,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

/** An IAM user whose identity policy limits what it may assume. */
const policyUser = {
  accessKeyId: "AKIATESTPOLICYUSER05",
  secretAccessKey: "test/policy+Secret=NotValidAnywhere00005",
  arn: `arn:aws:iam::${TEST_ACCOUNT}:user/policy-user`,
  account: TEST_ACCOUNT,
};
const PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/CorpIdP`;
const GLOBAL_SIGNIN = "https://signin.aws.amazon.com/saml";

/** The permission policy, as an operator pastes it (a string). */
const POLICY_USER_PERMISSIONS = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeAppAndDocRoles",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": ["arn:aws:iam::${TEST_ACCOUNT}:role/App*", "arn:aws:iam::${TEST_ACCOUNT}:role/Doc*"]
    },
    {
      "Sid": "SourceIdentityOnAppRoles",
      "Effect": "Allow",
      "Action": "sts:SetSourceIdentity",
      "Resource": "arn:aws:iam::${TEST_ACCOUNT}:role/App?ev"
    },
    {
      "Sid": "NeverProduction",
      "Effect": "Deny",
      "Action": "sts:*",
      "Resource": "arn:aws:iam::${TEST_ACCOUNT}:role/AppProd"
    }
  ]
}`;

/** A trust policy object allowing `actions` to `principals`, with optional conditions. */
function trust(
  principals: string | string[],
  actions: string | string[],
  condition?: Record<string, Record<string, unknown>>,
  extra: object[] = [],
) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: principals },
        Action: actions,
        ...(condition ? { Condition: condition } : {}),
      },
      ...extra,
    ],
  };
}

const ALL = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];
const BOTH = [testBroker.arn, policyUser.arn];

function policyWorld(): StandinWorld {
  const world = testWorld();
  const role = (name: string, trustPolicy: object | string, permissionPolicy?: object) =>
    definePolicyRole({ name, maxSessionDurationSeconds: 3600, trustPolicy, permissionPolicy });
  const account = world.accounts[0];
  if (!account) throw new Error("testWorld has no account");
  account.roles.push(
    role("AppDev", trust(BOTH, ALL)),
    role("AppProd", trust(BOTH, "sts:*")),
    role("AppNoTag", trust(BOTH, ["sts:AssumeRole", "sts:SetSourceIdentity"])),
    role("DocWide", trust(BOTH, ALL)),
    role("Other", trust(BOTH, ALL)),
    role(
      "DocExternal",
      trust(testBroker.arn, "sts:AssumeRole", {
        StringEquals: { "sts:ExternalId": "ext-7f3a" },
      }),
    ),
    role(
      "DocMfa",
      trust(testBroker.arn, "sts:AssumeRole", {
        Bool: { "aws:MultiFactorAuthPresent": "true" },
      }),
    ),
    role(
      "DocDenyWithoutMfa",
      trust(testBroker.arn, "sts:AssumeRole", undefined, [
        {
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "sts:AssumeRole",
          Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": false } },
        },
      ]),
    ),
    role("DocRoot", trust(`arn:aws:iam::${TEST_ACCOUNT}:root`, "sts:AssumeRole")),
    role("DocAccountId", trust(TEST_ACCOUNT, "sts:AssumeRole")),
    role(
      "DocDenyOutsider",
      trust(`arn:aws:iam::${TEST_ACCOUNT}:root`, "sts:AssumeRole", undefined, [
        { Effect: "Deny", Principal: { AWS: testOutsider.arn }, Action: "sts:*" },
      ]),
    ),
    role(
      "DocSessionName",
      trust(testBroker.arn, "sts:AssumeRole", {
        StringLike: { "sts:RoleSessionName": "alice-*" },
      }),
    ),
    role(
      "DocPrincipalArn",
      trust("*", "sts:AssumeRole", {
        ArnEquals: { "aws:PrincipalArn": testBroker.arn },
      }),
    ),
    role("DocSaml", {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: PROVIDER_ARN },
          Action: "sts:AssumeRoleWithSAML",
          Condition: { StringEquals: { "SAML:aud": GLOBAL_SIGNIN } },
        },
      ],
    }),
    role("DocSamlTags", {
      Statement: {
        Effect: "Allow",
        Principal: { Federated: [PROVIDER_ARN] },
        Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
      },
    }),
    // Role chaining: Hop's own identity policy decides which roles its sessions may assume.
    definePolicyRole({
      name: "PolicyHop",
      maxSessionDurationSeconds: 3600,
      trustPolicy: trust(testBroker.arn, "sts:AssumeRole"),
      permissionPolicy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArnOf("ChainAllowed") },
        ],
      },
    }),
    role("ChainAllowed", trust(roleArnOf("PolicyHop"), "sts:AssumeRole")),
    role("ChainForbidden", trust(roleArnOf("PolicyHop"), "sts:AssumeRole")),
  );
  return {
    ...world,
    principals: [...world.principals, { ...policyUser, permissionPolicy: POLICY_USER_PERMISSIONS }],
    samlProviders: [
      {
        arn: PROVIDER_ARN,
        metadataXml: idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]),
      },
    ],
  };
}

const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ world: policyWorld(), now: clock.now });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

function assume(keys: Keys, role: string, input: Partial<AssumeRoleCommandInput> = {}) {
  return stsClient(standin, keys).send(
    new AssumeRoleCommand({ RoleArn: roleArnOf(role), RoleSessionName: "alice-1", ...input }),
  );
}

const denied = (caller: string, action: string, role: string) =>
  `User: ${caller} is not authorized to perform: ${action} on resource: ${roleArnOf(role)}`;

async function brokerSession(withMfa: boolean): Promise<Keys> {
  if (withMfa) centerInTotpStep(clock);
  const input = withMfa
    ? { SerialNumber: testBrokerMfa.serialNumber, TokenCode: mfaCodeAt(testBrokerMfa, clock) }
    : {};
  return keysOf(await stsClient(standin, testBroker).send(new GetSessionTokenCommand(input)));
}

describe("parseIamPolicy reads the documents an operator pastes", () => {
  it("reads a trust policy as IAM's console shows it", () => {
    const policy = parseIamPolicy(
      `{
        "Version": "2012-10-17",
        "Statement": [{
          "Sid": "GatehouseBroker",
          "Effect": "Allow",
          "Principal": { "AWS": "arn:aws:iam::111111111111:user/gatehouse-broker" },
          "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
          "Condition": { "StringEquals": { "sts:ExternalId": "gatehouse" } }
        }]
      }`,
      "trust",
    );
    expect(policy.statements).toEqual([
      expect.objectContaining({
        sid: "GatehouseBroker",
        effect: "Allow",
        actions: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        conditions: [
          {
            operator: "StringEquals",
            ifExists: false,
            key: "sts:externalid",
            values: ["gatehouse"],
          },
        ],
      }),
    ]);
  });

  it("reads the permission policy above, and a single statement object", () => {
    expect(parseIamPolicy(POLICY_USER_PERMISSIONS, "permission").statements).toHaveLength(3);
    const single = parseIamPolicy(
      { Statement: { Effect: "Allow", Action: "sts:*", Resource: "*" } },
      "permission",
    );
    expect(single.statements[0]?.resources).toEqual(["*"]);
  });

  const malformed: Array<{
    rule: string;
    kind: "trust" | "permission";
    doc: unknown;
    names: RegExp;
  }> = [
    { rule: "text that is not JSON", kind: "trust", doc: "{ Statement: [", names: /is not JSON/ },
    { rule: "a JSON array", kind: "trust", doc: "[]", names: /must be a JSON object/ },
    {
      rule: "no Statement",
      kind: "trust",
      doc: { Version: "2012-10-17" },
      names: /Statement is required/,
    },
    {
      rule: "an unknown Version",
      kind: "permission",
      doc: {
        Version: "2020-01-01",
        Statement: { Effect: "Allow", Action: "sts:*", Resource: "*" },
      },
      names: /Version must be/,
    },
    {
      rule: "an Effect in lower case",
      kind: "permission",
      doc: { Statement: { Effect: "allow", Action: "sts:*", Resource: "*" } },
      names: /Statement\[0\]\.Effect must be Allow or Deny/,
    },
    {
      rule: "an action without its service",
      kind: "permission",
      doc: { Statement: { Effect: "Allow", Action: "AssumeRole", Resource: "*" } },
      names: /Statement\[0\]\.Action "AssumeRole" is not service:action/,
    },
    {
      rule: "an empty Action list",
      kind: "permission",
      doc: { Statement: { Effect: "Allow", Action: [], Resource: "*" } },
      names: /Statement\[0\]\.Action must be a string or a non-empty array/,
    },
    {
      rule: "a Resource in a trust policy",
      kind: "trust",
      doc: {
        Statement: { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Resource: "*" },
      },
      names: /has prohibited field Resource/,
    },
    {
      rule: "a trust statement without Principal",
      kind: "trust",
      doc: { Statement: { Effect: "Allow", Action: "sts:AssumeRole" } },
      names: /Principal is required in a trust policy/,
    },
    {
      rule: "a Principal in a permission policy",
      kind: "permission",
      doc: { Statement: { Effect: "Allow", Principal: "*", Action: "sts:*", Resource: "*" } },
      names: /has prohibited field Principal/,
    },
    {
      rule: "a permission statement without Resource",
      kind: "permission",
      doc: { Statement: { Effect: "Allow", Action: "sts:AssumeRole" } },
      names: /Statement\[0\]\.Resource is required/,
    },
    {
      rule: "a Resource that is no ARN",
      kind: "permission",
      doc: { Statement: { Effect: "Allow", Action: "sts:AssumeRole", Resource: "role/App" } },
      names: /must be an ARN or \*/,
    },
    {
      rule: "an AWS principal that is no principal ARN",
      kind: "trust",
      doc: trust("arn:aws:iam::1:user/x", "sts:AssumeRole"),
      names: /is an invalid principal/,
    },
    {
      rule: "a CanonicalUser principal",
      kind: "trust",
      doc: {
        Statement: {
          Effect: "Allow",
          Principal: { CanonicalUser: "abc" },
          Action: "sts:AssumeRole",
        },
      },
      names: /Principal\.CanonicalUser is not modelled/,
    },
    {
      rule: "NotAction",
      kind: "permission",
      doc: { Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } },
      names: /Statement\[0\]\.NotAction is not modelled/,
    },
    {
      rule: "a set operator",
      kind: "trust",
      doc: trust("*", "sts:AssumeRole", { "ForAnyValue:StringEquals": { "sts:ExternalId": "x" } }),
      names: /ForAnyValue:StringEquals: the condition operator is not modelled/,
    },
    {
      rule: "an operator the stand-in does not model",
      kind: "trust",
      doc: trust("*", "sts:AssumeRole", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
      names: /IpAddress: the condition operator is not modelled/,
    },
    {
      rule: "an unknown condition key",
      kind: "trust",
      doc: trust("*", "sts:AssumeRole", { StringEquals: { "aws:SourceVpc": "vpc-1" } }),
      names: /aws:SourceVpc: the condition key is not modelled/,
    },
    {
      rule: "a Bool condition that is not true or false",
      kind: "trust",
      doc: trust("*", "sts:AssumeRole", { Bool: { "aws:MultiFactorAuthPresent": "yes" } }),
      names: /must be true or false/,
    },
    {
      rule: "a Sid with punctuation",
      kind: "permission",
      doc: { Statement: { Sid: "allow-all", Effect: "Allow", Action: "sts:*", Resource: "*" } },
      names: /Sid must be letters and digits/,
    },
  ];

  it.each(malformed)("refuses $rule (TypeError naming the place)", ({ kind, doc, names }) => {
    expect(() => parseIamPolicy(doc, kind)).toThrow(TypeError);
    expect(() => parseIamPolicy(doc, kind)).toThrow(names);
  });

  it("reports every problem of a document at once", () => {
    expect(() =>
      parseIamPolicy(
        { Statement: [{ Effect: "Maybe", Action: "x" }, { Effect: "Allow" }] },
        "permission",
      ),
    ).toThrow(
      /Statement\[0\]\.Effect.*Statement\[0\]\.Action.*Statement\[0\]\.Resource.*Statement\[1\]\.Action.*Statement\[1\]\.Resource/,
    );
  });
});

describe("a world's policy documents are checked at start", () => {
  const withRole = (extra: object): StandinWorld => {
    const world = testWorld();
    world.accounts[0]?.roles.push({
      name: "Broken",
      maxSessionDurationSeconds: 3600,
      trustedPrincipalArns: [],
      allowsSourceIdentity: false,
      allowsTagSession: false,
      ...extra,
    });
    return world;
  };
  const cases: Array<{ rule: string; world: () => StandinWorld; names: RegExp }> = [
    {
      rule: "a malformed trust policy",
      world: () => withRole({ trustPolicy: "{ not json" }),
      names: /role\/Broken: trust policy: is not JSON/,
    },
    {
      rule: "a malformed role permission policy",
      world: () => withRole({ trustPolicy: trust("*", "sts:AssumeRole"), permissionPolicy: {} }),
      names: /role\/Broken: permission policy: Statement is required/,
    },
    {
      rule: "a trust policy next to shorthand trust fields",
      world: () =>
        withRole({
          trustPolicy: trust("*", "sts:AssumeRole"),
          trustedPrincipalArns: [testBroker.arn],
        }),
      names: /has a trustPolicy and shorthand trust fields/,
    },
    {
      rule: "a malformed user permission policy",
      world: () => ({
        ...testWorld(),
        principals: [{ ...policyUser, permissionPolicy: { Statement: { Effect: "Allow" } } }],
      }),
      names: /user\/policy-user: permission policy: Statement\[0\]\.Action is required/,
    },
  ];

  it.each(cases)("refuses $rule (TypeError)", async ({ world, names }) => {
    const start = startAwsStandin({ world: world() });
    await expect(start).rejects.toThrow(TypeError);
    await expect(start).rejects.toThrow(names);
  });
});

/** Who calls AssumeRole, with the ARN AccessDenied names. */
const CALLERS = {
  broker: { keys: () => testBroker, arn: testBroker.arn },
  outsider: { keys: () => testOutsider, arn: testOutsider.arn },
  "broker session": { keys: () => brokerSession(false), arn: testBroker.arn },
  "broker MFA session": { keys: () => brokerSession(true), arn: testBroker.arn },
} satisfies Record<string, { keys: () => Keys | Promise<Keys>; arn: string }>;

interface TrustCase {
  rule: string;
  caller: keyof typeof CALLERS;
  role: string;
  input?: Partial<AssumeRoleCommandInput>;
  /** Send the broker's current MFA code with the call. */
  withMfaCode?: boolean;
  /** The action AccessDenied names (refusals). */
  action?: string;
}

function row(
  rule: string,
  caller: TrustCase["caller"],
  role: string,
  extra: Omit<TrustCase, "rule" | "caller" | "role"> = {},
): TrustCase {
  return { rule, caller, role, ...extra };
}

describe("a trust policy document decides who may assume the role", () => {
  const MFA = { withMfaCode: true };
  const TAGS = [{ Key: "team", Value: "a" }];
  const allowed: TrustCase[] = [
    row("the principal it names, for every action it allows", "broker", "AppDev", {
      input: { SourceIdentity: "alice", Tags: TAGS },
    }),
    row("any user of the account when it names the account root", "outsider", "DocRoot"),
    row("any user of the account when it names the bare account id", "outsider", "DocAccountId"),
    row("the right sts:ExternalId", "broker", "DocExternal", { input: { ExternalId: "ext-7f3a" } }),
    row("an MFA code in the call for Bool aws:MultiFactorAuthPresent", "broker", "DocMfa", MFA),
    row("an MFA session for Bool aws:MultiFactorAuthPresent", "broker MFA session", "DocMfa"),
    row(
      "an MFA code in the call past a BoolIfExists …false Deny",
      "broker",
      "DocDenyWithoutMfa",
      MFA,
    ),
    row(
      "an MFA session past a BoolIfExists …false Deny",
      "broker MFA session",
      "DocDenyWithoutMfa",
    ),
    row("a session name matching StringLike sts:RoleSessionName", "broker", "DocSessionName", {
      input: { RoleSessionName: "alice-42" },
    }),
    row("a caller matching ArnEquals aws:PrincipalArn", "broker", "DocPrincipalArn"),
  ];

  it.each(allowed)("allows $rule", async ({ caller, role, input, withMfaCode }) => {
    if (withMfaCode) centerInTotpStep(clock);
    const code = withMfaCode
      ? { SerialNumber: testBrokerMfa.serialNumber, TokenCode: mfaCodeAt(testBrokerMfa, clock) }
      : {};
    const result = await assume(await CALLERS[caller].keys(), role, { ...input, ...code });
    expect(result.AssumedRoleUser?.Arn).toContain(`:assumed-role/${role}/`);
  });

  const refused: TrustCase[] = [
    row("a principal it does not name", "outsider", "AppDev"),
    row(
      "a principal an explicit Deny names, though the root is allowed",
      "outsider",
      "DocDenyOutsider",
    ),
    row("a missing sts:ExternalId", "broker", "DocExternal"),
    row("a wrong sts:ExternalId", "broker", "DocExternal", { input: { ExternalId: "ext-0000" } }),
    row("long-term keys without MFA (the key is absent)", "broker", "DocMfa"),
    row("a session without MFA (the key is false)", "broker session", "DocMfa"),
    row(
      "long-term keys without MFA under a BoolIfExists …false Deny",
      "broker",
      "DocDenyWithoutMfa",
    ),
    row(
      "a session without MFA under a BoolIfExists …false Deny",
      "broker session",
      "DocDenyWithoutMfa",
    ),
    row("a session name StringLike does not match", "broker", "DocSessionName", {
      input: { RoleSessionName: "bob-1" },
    }),
    row("another caller than ArnEquals aws:PrincipalArn names", "outsider", "DocPrincipalArn"),
    row("SourceIdentity when it does not allow sts:SetSourceIdentity", "broker", "DocExternal", {
      input: { ExternalId: "ext-7f3a", SourceIdentity: "alice" },
      action: "sts:SetSourceIdentity",
    }),
    row("session tags when it does not allow sts:TagSession", "broker", "AppNoTag", {
      input: { SourceIdentity: "alice", Tags: TAGS },
      action: "sts:TagSession",
    }),
  ];

  it.each(refused)("refuses $rule", async ({ caller, role, input, action }) => {
    const failure = await stsFailure(assume(await CALLERS[caller].keys(), role, input));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe(denied(CALLERS[caller].arn, action ?? "sts:AssumeRole", role));
  });
});

describe("a permission policy must allow the call too", () => {
  it("lets the user assume what both its policy and the trust policy allow", async () => {
    const result = await assume(policyUser, "AppDev", { SourceIdentity: "alice" });
    expect(result.SourceIdentity).toBe("alice");
  });

  const refused: Array<{
    rule: string;
    role: string;
    input?: Partial<AssumeRoleCommandInput>;
    action: string;
  }> = [
    { rule: "a role outside its Resource patterns", role: "Other", action: "sts:AssumeRole" },
    {
      rule: "a role its explicit Deny names, though App* is allowed",
      role: "AppProd",
      action: "sts:AssumeRole",
    },
    {
      rule: "SourceIdentity on a role outside the sts:SetSourceIdentity resource",
      role: "DocWide",
      input: { SourceIdentity: "alice" },
      action: "sts:SetSourceIdentity",
    },
    {
      rule: "session tags, which it never allows",
      role: "AppDev",
      input: { Tags: [{ Key: "team", Value: "a" }] },
      action: "sts:TagSession",
    },
    {
      rule: "session tags after an allowed SourceIdentity",
      role: "AppDev",
      input: { SourceIdentity: "alice", Tags: [{ Key: "team", Value: "a" }] },
      action: "sts:TagSession",
    },
  ];

  it.each(refused)("refuses $rule, naming $action", async ({ role, input, action }) => {
    const failure = await stsFailure(assume(policyUser, role, input));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe(denied(policyUser.arn, action, role));
  });

  it("holds the user's GetSessionToken session to the same policy", async () => {
    const session = keysOf(
      await stsClient(standin, policyUser).send(new GetSessionTokenCommand({})),
    );
    await expect(assume(session, "AppDev")).resolves.toBeDefined();
    const failure = await stsFailure(assume(session, "Other"));
    expect(failure.message).toBe(denied(policyUser.arn, "sts:AssumeRole", "Other"));
  });

  it("holds a role session to its role's permission policy when it chains", async () => {
    const hop = keysOf(await assume(testBroker, "PolicyHop", { RoleSessionName: "hop-1" }));
    await expect(assume(hop, "ChainAllowed")).resolves.toBeDefined();
    const failure = await stsFailure(assume(hop, "ChainForbidden"));
    expect(failure.message).toBe(
      denied(
        `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/PolicyHop/hop-1`,
        "sts:AssumeRole",
        "ChainForbidden",
      ),
    );
  });
});

describe("a trust policy document decides AssumeRoleWithSAML", () => {
  function samlCall(
    role: string,
    opts: { recipient?: string; sourceIdentity?: string; tags?: Record<string, string> } = {},
  ) {
    const recipient = opts.recipient ?? GLOBAL_SIGNIN;
    const xml = buildAwsSamlResponse({
      now: clock.now(),
      roles: [{ roleArn: roleArnOf(role), principalArn: PROVIDER_ARN }],
      recipient,
      destination: recipient,
      ...(opts.sourceIdentity ? { sourceIdentity: opts.sourceIdentity } : {}),
      ...(opts.tags ? { principalTags: opts.tags } : {}),
    });
    return new STSClient({
      endpoint: standin.stsEndpoint,
      region: "us-east-1",
      maxAttempts: 1,
    }).send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArnOf(role),
        PrincipalArn: PROVIDER_ARN,
        SAMLAssertion: encodePostBinding(xml),
      }),
    );
  }

  it("allows the Federated provider when StringEquals SAML:aud matches the Recipient", async () => {
    await expect(samlCall("DocSaml")).resolves.toMatchObject({ Audience: GLOBAL_SIGNIN });
  });

  it("allows session tags when the document allows sts:TagSession", async () => {
    await expect(samlCall("DocSamlTags", { tags: { team: "platform" } })).resolves.toBeDefined();
  });

  const refused = [
    {
      rule: "a Recipient SAML:aud does not name",
      role: "DocSaml",
      opts: { recipient: "https://eu-west-1.signin.aws.amazon.com/saml" },
      message: "Not authorized to perform sts:AssumeRoleWithSAML",
    },
    {
      rule: "SourceIdentity when the document does not allow sts:SetSourceIdentity",
      role: "DocSamlTags",
      opts: { sourceIdentity: "alice" },
      message: "Not authorized to perform sts:SetSourceIdentity",
    },
    {
      rule: "session tags when the document does not allow sts:TagSession",
      role: "DocSaml",
      opts: { tags: { team: "platform" } },
      message: "Not authorized to perform sts:TagSession",
    },
  ];

  it.each(refused)("refuses $rule (AccessDenied)", async ({ role, opts, message }) => {
    const failure = await stsFailure(samlCall(role, opts));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403, message });
  });
});
