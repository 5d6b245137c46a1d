/**
 * The stand-in's three partitions — commercial `aws`, GovCloud `aws-us-gov`, China `aws-cn` —
 * observed through the real @aws-sdk/client-sts: an endpoint's region decides its partition; keys
 * and credentials work only in their own; role and SAML provider ARNs of another are refused; and
 * every ARN STS answers with names the endpoint's partition.
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  withSamlProvider,
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
  CN_ACCOUNT,
  cnBroker,
  createTestClock,
  GOV_ACCOUNT,
  govBroker,
  govBrokerMfa,
  idpMetadata,
  keysOf,
  mfaCodeAt,
  multiPartitionWorld,
  roleArnOf,
  stsClient,
  stsFailure,
  TEST_ACCOUNT,
  testBroker,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const GOV = "us-gov-west-1";
const CN = "cn-north-1";
const GOV_PROVIDER = `arn:aws-us-gov:iam::${GOV_ACCOUNT}:saml-provider/GovIdP`;
const CN_PROVIDER = `arn:aws-cn:iam::${CN_ACCOUNT}:saml-provider/CnIdP`;
const COMMERCIAL_PROVIDER = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/CorpIdP`;
const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  const metadataXml = idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]);
  let world = multiPartitionWorld();
  for (const [arn, account] of [
    [GOV_PROVIDER, GOV_ACCOUNT],
    [CN_PROVIDER, CN_ACCOUNT],
    [COMMERCIAL_PROVIDER, TEST_ACCOUNT],
  ] as const) {
    world = withSamlProvider(world, { arn, metadataXml }, (role, id) => {
      return id === account && role.name === "Developer";
    });
  }
  standin = await startAwsStandin({ world, now: clock.now, stsEndpointNames: [GOV, CN] });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

function on(endpointName: string, keys: Keys) {
  return stsClient(standin, keys, { endpointName });
}

function assume(endpointName: string, keys: Keys, roleArn: string, extra: object = {}) {
  return on(endpointName, keys).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "alice", ...extra }),
  );
}

describe("an endpoint's region decides its partition", () => {
  it.each(
    [testBroker, govBroker, cnBroker].map((user, i) => ({
      endpoint: ["default", GOV, CN][i] ?? "",
      user,
    })),
  )(
    "GetCallerIdentity on $endpoint names the user in its partition ($user.arn)",
    async ({ endpoint, user }) => {
      const identity = await on(endpoint, user).send(new GetCallerIdentityCommand({}));
      expect(identity).toMatchObject({ Arn: user.arn, Account: user.account });
    },
  );

  const assumed = [
    { endpoint: GOV, keys: govBroker, partition: "aws-us-gov", account: GOV_ACCOUNT },
    { endpoint: CN, keys: cnBroker, partition: "aws-cn", account: CN_ACCOUNT },
    { endpoint: "default", keys: testBroker, partition: "aws", account: TEST_ACCOUNT },
  ] as const;

  it.each(assumed)(
    "AssumeRole on $endpoint answers assumed-role ARNs of $partition, and so does GetCallerIdentity",
    async ({ endpoint, keys, partition, account }) => {
      const result = await assume(endpoint, keys, roleArnOf("Developer", account, partition));
      const arn = `arn:${partition}:sts::${account}:assumed-role/Developer/alice`;
      expect(result.AssumedRoleUser?.Arn).toBe(arn);
      const identity = await on(endpoint, keysOf(result)).send(new GetCallerIdentityCommand({}));
      expect(identity).toMatchObject({ Arn: arn, Account: account });
    },
  );

  it("trusts the account root in the role's own partition, not the commercial spelling of it", async () => {
    const root = await assume(GOV, govBroker, roleArnOf("RootTrusted", GOV_ACCOUNT, "aws-us-gov"));
    expect(root.AssumedRoleUser?.Arn).toContain("arn:aws-us-gov:sts::");
    const failure = await stsFailure(
      assume(GOV, govBroker, roleArnOf("CommercialRoot", GOV_ACCOUNT, "aws-us-gov")),
    );
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
  });

  it("accepts a GovCloud MFA device's code and names it by its GovCloud serial", async () => {
    const breakGlass = roleArnOf("BreakGlass", GOV_ACCOUNT, "aws-us-gov");
    expect(await stsFailure(assume(GOV, govBroker, breakGlass))).toMatchObject({
      name: "AccessDenied",
    });
    const session = await on(GOV, govBroker).send(
      new GetSessionTokenCommand({
        SerialNumber: govBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(govBrokerMfa, clock),
      }),
    );
    const result = await assume(GOV, keysOf(session), breakGlass);
    expect(result.AssumedRoleUser?.Arn).toBe(
      `arn:aws-us-gov:sts::${GOV_ACCOUNT}:assumed-role/BreakGlass/alice`,
    );
  });
});

describe("keys and credentials are valid in their own partition only", () => {
  const foreignKeys: Array<{ rule: string; endpoint: string; keys: () => Promise<Keys> | Keys }> = [
    { rule: "a commercial key on a GovCloud endpoint", endpoint: GOV, keys: () => testBroker },
    { rule: "a GovCloud key on a commercial endpoint", endpoint: "default", keys: () => govBroker },
    { rule: "a China key on a GovCloud endpoint", endpoint: GOV, keys: () => cnBroker },
    { rule: "a GovCloud key on a China endpoint", endpoint: CN, keys: () => govBroker },
    {
      rule: "GovCloud role credentials on a commercial endpoint",
      endpoint: "default",
      keys: async () =>
        keysOf(await assume(GOV, govBroker, roleArnOf("Developer", GOV_ACCOUNT, "aws-us-gov"))),
    },
    {
      rule: "commercial session credentials on a China endpoint",
      endpoint: CN,
      keys: async () =>
        keysOf(await on("default", testBroker).send(new GetSessionTokenCommand({}))),
    },
  ];

  it.each(foreignKeys)("refuses $rule (InvalidClientTokenId)", async ({ endpoint, keys }) => {
    const failure = await stsFailure(
      on(endpoint, await keys()).send(new GetCallerIdentityCommand({})),
    );
    expect(failure).toMatchObject({ name: "InvalidClientTokenId", status: 403 });
    expect(failure.message).toBe("The security token included in the request is invalid.");
  });
});

describe("a role ARN of another partition is refused", () => {
  const cases = [
    {
      rule: "a GovCloud role on a commercial endpoint",
      endpoint: "default",
      keys: testBroker,
      arn: roleArnOf("Developer", GOV_ACCOUNT, "aws-us-gov"),
      partition: "aws-us-gov",
    },
    {
      rule: "a commercial role on a GovCloud endpoint",
      endpoint: GOV,
      keys: govBroker,
      arn: roleArnOf("Developer"),
      partition: "aws",
    },
    {
      rule: "a GovCloud role on a China endpoint",
      endpoint: CN,
      keys: cnBroker,
      arn: roleArnOf("Developer", GOV_ACCOUNT, "aws-us-gov"),
      partition: "aws-us-gov",
    },
  ];

  it.each(cases)("refuses $rule (ValidationError)", async ({ endpoint, keys, arn, partition }) => {
    const failure = await stsFailure(assume(endpoint, keys, arn));
    expect(failure).toMatchObject({ name: "ValidationError", status: 400 });
    expect(failure.message).toBe(`Partition "${partition}" is not valid for resource "${arn}".`);
  });

  it("refuses a role of the right partition in an account that lives in another (AccessDenied)", async () => {
    const arn = roleArnOf("Developer", TEST_ACCOUNT, "aws-us-gov");
    const failure = await stsFailure(assume(GOV, govBroker, arn));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe(
      `User: ${govBroker.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
    );
  });
});

describe("AssumeRoleWithSAML in each partition", () => {
  const partitions = [
    {
      name: "GovCloud",
      endpoint: GOV,
      partition: "aws-us-gov",
      account: GOV_ACCOUNT,
      provider: GOV_PROVIDER,
      recipient: "https://signin.amazonaws-us-gov.com/saml",
      audience: "urn:amazon:webservices:govcloud",
    },
    {
      name: "China",
      endpoint: CN,
      partition: "aws-cn",
      account: CN_ACCOUNT,
      provider: CN_PROVIDER,
      recipient: "https://signin.amazonaws.cn/saml",
      audience: "https://signin.amazonaws.cn/saml",
    },
    {
      name: "commercial",
      endpoint: "default",
      partition: "aws",
      account: TEST_ACCOUNT,
      provider: COMMERCIAL_PROVIDER,
      recipient: "https://signin.aws.amazon.com/saml",
      audience: "urn:amazon:webservices",
    },
  ] as const;
  type Partition = (typeof partitions)[number];

  function samlCall(
    p: Partition,
    opts: { roleArn?: string; provider?: string; recipient?: string; audience?: string } = {},
  ) {
    const roleArn = opts.roleArn ?? roleArnOf("Developer", p.account, p.partition);
    const provider = opts.provider ?? p.provider;
    const recipient = opts.recipient ?? p.recipient;
    const xml = buildAwsSamlResponse({
      now: clock.now(),
      roles: [{ roleArn, principalArn: provider }],
      recipient,
      destination: recipient,
      audiences: [opts.audience ?? p.audience],
    });
    const client = new STSClient({
      endpoint: standin.stsEndpoints[p.endpoint],
      region: standin.stsEndpointRegions[p.endpoint],
      maxAttempts: 1,
    });
    return client.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArn,
        PrincipalArn: provider,
        SAMLAssertion: encodePostBinding(xml),
      }),
    );
  }

  it.each(partitions)(
    "$name: a provider and role of the partition, addressed to its sign-in endpoint, give a $partition session",
    async (p) => {
      const result = await samlCall(p);
      expect(result.AssumedRoleUser?.Arn).toBe(
        `arn:${p.partition}:sts::${p.account}:assumed-role/Developer/alice@corp.example`,
      );
      expect(result.Audience).toBe(p.recipient);
    },
  );

  it("accepts a regional GovCloud sign-in endpoint as Recipient", async () => {
    const [gov] = partitions;
    const recipient = "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml";
    await expect(samlCall(gov, { recipient })).resolves.toMatchObject({ Audience: recipient });
  });

  const refusals = [
    {
      rule: "a commercial role and provider on a GovCloud endpoint",
      at: 0,
      opts: { roleArn: roleArnOf("Developer"), provider: COMMERCIAL_PROVIDER },
      code: "ValidationError",
    },
    {
      rule: "a GovCloud provider with a commercial role on a GovCloud endpoint",
      at: 0,
      opts: { roleArn: roleArnOf("Developer") },
      code: "ValidationError",
    },
    {
      rule: "a GovCloud role with a China provider on a GovCloud endpoint",
      at: 0,
      opts: { provider: CN_PROVIDER },
      code: "ValidationError",
    },
    {
      rule: "GovCloud ARNs on a commercial endpoint",
      at: 2,
      opts: { roleArn: roleArnOf("Developer", GOV_ACCOUNT, "aws-us-gov"), provider: GOV_PROVIDER },
      code: "ValidationError",
    },
    {
      rule: "an assertion addressed to the commercial sign-in endpoint, on GovCloud",
      at: 0,
      opts: { recipient: "https://signin.aws.amazon.com/saml" },
      code: "InvalidIdentityToken",
    },
    {
      rule: "the commercial audience, on GovCloud",
      at: 0,
      opts: { audience: "urn:amazon:webservices" },
      code: "InvalidIdentityToken",
    },
    {
      rule: "an assertion addressed to the GovCloud sign-in endpoint, on China",
      at: 1,
      opts: { recipient: "https://signin.amazonaws-us-gov.com/saml" },
      code: "InvalidIdentityToken",
    },
  ] as const;

  it.each(refusals)("refuses $rule ($code)", async ({ at, opts, code }) => {
    const p = partitions[at];
    const failure = await stsFailure(samlCall(p, opts));
    expect(failure.code).toBe(code);
    if (code === "ValidationError")
      expect(failure.message).toMatch(/^Partition "aws[-a-z]*" is not valid for resource "arn:/);
  });
});

describe("the world's partitions are checked at start", () => {
  const base = (): StandinWorld => multiPartitionWorld();
  const cases: Array<{ rule: string; world: () => StandinWorld; names: RegExp }> = [
    {
      rule: "an account partition that is none of the three",
      names: /partition aws-iso is not aws, aws-us-gov or aws-cn/,
      world: () => ({
        ...base(),
        accounts: [{ id: "444444444444", partition: "aws-iso" as never, roles: [] }],
      }),
    },
    {
      rule: "one account id listed in two partitions",
      names: /is listed in aws and aws-cn/,
      world: () => ({
        ...base(),
        accounts: [...base().accounts, { id: TEST_ACCOUNT, partition: "aws-cn", roles: [] }],
      }),
    },
    {
      rule: "a user ARN in another partition than its account",
      names: /is in aws, but account 222222222222 is in aws-us-gov/,
      world: () => ({
        ...base(),
        principals: [
          {
            ...govBroker,
            accessKeyId: "AKIATESTGOVWRONG0005",
            arn: `arn:aws:iam::${GOV_ACCOUNT}:user/misfiled`,
          },
        ],
      }),
    },
    {
      rule: "an MFA device serial in another partition than its user",
      names: /is not arn:aws-us-gov:iam::222222222222:mfa\/<name>/,
      world: () => ({
        ...base(),
        principals: [
          {
            ...govBroker,
            mfaDevice: {
              ...govBrokerMfa,
              serialNumber: `arn:aws:iam::${GOV_ACCOUNT}:mfa/gov-broker`,
            },
          },
        ],
      }),
    },
    {
      rule: "a SAML provider ARN in another partition than its account",
      names: /account 222222222222 is in partition aws-us-gov/,
      world: () => ({
        ...base(),
        samlProviders: [
          {
            arn: `arn:aws:iam::${GOV_ACCOUNT}:saml-provider/Misfiled`,
            metadataXml: idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]),
          },
        ],
      }),
    },
    {
      rule: "a role trusting a SAML provider of another partition",
      names: /not a SAML provider of 222222222222 in aws-us-gov/,
      world: () => {
        const world = base();
        const gov = world.accounts.find((a) => a.id === GOV_ACCOUNT);
        const role = gov?.roles[0];
        if (role) role.trustedSamlProviderArns = [`arn:aws:iam::${GOV_ACCOUNT}:saml-provider/X`];
        return world;
      },
    },
  ];

  it.each(cases)("refuses $rule (TypeError)", async ({ world, names }) => {
    const start = startAwsStandin({ world: world() });
    await expect(start).rejects.toThrow(TypeError);
    await expect(start).rejects.toThrow(names);
  });

  it("refuses to register a SAML provider whose ARN is not in its account's partition", () => {
    const metadataXml = idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]);
    expect(() =>
      standin.registerSamlProvider(
        `arn:aws-cn:iam::${GOV_ACCOUNT}:saml-provider/Late`,
        metadataXml,
      ),
    ).toThrow(TypeError);
    expect(
      standin.registerSamlProvider(
        `arn:aws-us-gov:iam::${GOV_ACCOUNT}:saml-provider/Late`,
        metadataXml,
      ),
    ).toMatchObject({ entityId: FIXTURE_IDP_ENTITY_ID });
  });

  it("files an account without a partition under aws", async () => {
    const plain = await startAwsStandin({ world: testWorld() });
    try {
      const result = await stsClient(plain, testBroker).send(
        new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "alice" }),
      );
      expect(result.AssumedRoleUser?.Arn).toMatch(/^arn:aws:sts::/);
    } finally {
      await plain.close();
    }
  });
});
