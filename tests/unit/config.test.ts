import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/load-config";
import { settingsSchema } from "@/lib/config/schema";
import { describeUnknownSetting, unknownSettings } from "@/lib/config/unknown-settings";

const VALID = {
  NEXTAUTH_URL: "https://aws.corp.example",
  NEXTAUTH_SECRET: "s".repeat(32),
  OIDC_ISSUER: "https://login.corp.example",
  OIDC_CLIENT_ID: "gatehouse",
  OIDC_CLIENT_SECRET: "client-secret-value",
  GATEHOUSE_ADMIN_GROUP: "gatehouse-admins",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("a complete configuration loads with documented defaults", () => {
    const config = loadConfig(VALID);
    expect(config.databaseUrl).toBe("file:./data/gatehouse.db");
    expect(config.sessionMaxAgeSeconds).toBe(28800);
    expect(config.oidc?.groupsClaim).toBe("groups");
    expect(config.aws.federationEndpoint).toBe("https://signin.aws.amazon.com/federation");
    expect(config.aws.brokerCredentials).toBeUndefined();
  });

  it.each([
    ["NEXTAUTH_URL", undefined, /NEXTAUTH_URL is required/],
    ["NEXTAUTH_URL", "not a url", /NEXTAUTH_URL must be an absolute http\(s\) URL/],
    ["NEXTAUTH_URL", "http://aws.corp.example", /NEXTAUTH_URL must be https/],
    ["NEXTAUTH_SECRET", "short", /NEXTAUTH_SECRET must be at least 32/],
    ["OIDC_ISSUER", "ftp://idp", /OIDC_ISSUER must be an absolute http\(s\) URL/],
    [
      "OIDC_CLIENT_ID",
      "",
      /OIDC_CLIENT_ID is required when OIDC_ISSUER, OIDC_CLIENT_SECRET are set/,
    ],
    ["GATEHOUSE_ADMIN_GROUP", undefined, /GATEHOUSE_ADMIN_GROUP is required/],
    [
      "GATEHOUSE_SESSION_MAX_AGE_SECONDS",
      "8h",
      /GATEHOUSE_SESSION_MAX_AGE_SECONDS must be a whole number/,
    ],
    [
      "GATEHOUSE_SESSION_MAX_AGE_SECONDS",
      "10",
      /GATEHOUSE_SESSION_MAX_AGE_SECONDS must be between 300 and 86400/,
    ],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL must be/],
    ["GATEHOUSE_MAX_HEAP_MB", "1g", /GATEHOUSE_MAX_HEAP_MB must be a whole number of megabytes/],
    ["GATEHOUSE_MAX_HEAP_MB", "64", /GATEHOUSE_MAX_HEAP_MB must be between 128 and 65536/],
    [
      "GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS",
      "0",
      /GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS must be between 1/,
    ],
    [
      "GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL",
      "http://169.254.169.254/latest/meta-data/iam/",
      /GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL.*webhooks are never sent there: 169\.254\.169\.254 is a link-local address/,
    ],
    ["AWS_REGION", "moon-1", /AWS_REGION must be an AWS region/],
    [
      "GATEHOUSE_BROKER_ACCESS_KEY_ID",
      "not-a-key",
      /GATEHOUSE_BROKER_ACCESS_KEY_ID must be an AWS access key id/,
    ],
    [
      "GATEHOUSE_TEST_CLOCK_FILE",
      "/tmp/clock",
      /GATEHOUSE_TEST_CLOCK_FILE moves the portal's clock for a test stack: only allowed with NEXTAUTH_URL on localhost/,
    ],
  ])("a bad %s (%s) stops the boot with a message naming it", (name, value, expected) => {
    const problems = problemsOf({ ...VALID, [name]: value });
    expect(problems.join("\n")).toMatch(expected);
  });

  // Each of these would start, and then write somewhere else than meant or fail on every request.
  it.each([
    [
      "a schema parameter (the driver ignores it: tables would go to public)",
      "postgresql://gatehouse@db.internal:5432/gatehouse?schema=gatehouse",
      /DATABASE_URL must not set schema=/,
    ],
    [
      "no database name",
      "postgresql://gatehouse@db.internal:5432",
      /DATABASE_URL must name a database/,
    ],
    [
      "a port that is not a number",
      "postgresql://gatehouse@db.internal:54x2/gatehouse",
      /DATABASE_URL must be a valid URL/,
    ],
  ])("a PostgreSQL DATABASE_URL with %s is refused naming it", (_name, url, expected) => {
    expect(problemsOf({ ...VALID, DATABASE_URL: url }).join("\n")).toMatch(expected);
  });

  it("a PostgreSQL DATABASE_URL with a password, port and sslmode loads", () => {
    const url = "postgresql://gatehouse:p%40ss@db.internal:5432/gatehouse?sslmode=require";
    expect(loadConfig({ ...VALID, DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it("every missing required setting is reported at once, not only the first", () => {
    const problems = problemsOf({});
    for (const name of ["NEXTAUTH_URL", "NEXTAUTH_SECRET", "GATEHOUSE_ADMIN_GROUP"]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it("OIDC is optional (SAML-only portals) but its three settings come together", () => {
    const samlOnly: Record<string, string | undefined> = {
      ...VALID,
      OIDC_ISSUER: undefined,
      OIDC_CLIENT_ID: undefined,
      OIDC_CLIENT_SECRET: undefined,
    };
    expect(loadConfig(samlOnly).oidc).toBeUndefined();
    expect(problemsOf({ ...samlOnly, OIDC_ISSUER: "https://idp.example" }).join("\n")).toMatch(
      /OIDC_CLIENT_ID is required when OIDC_ISSUER is set/,
    );
  });

  it("the SAML endpoints derive from the portal URL", () => {
    const config = loadConfig(VALID);
    expect(config.saml.acsUrl).toBe("https://aws.corp.example/api/auth/saml/acs");
    expect(config.saml.spEntityId).toBe("https://aws.corp.example/api/auth/saml/metadata");
    expect(config.saml.clockSkewSeconds).toBe(60);
  });

  it("broker keys must come as a pair", () => {
    expect(
      problemsOf({ ...VALID, GATEHOUSE_BROKER_ACCESS_KEY_ID: "AKIAABCDEFGHIJKLMNOP" }).join(),
    ).toMatch(/GATEHOUSE_BROKER_SECRET_ACCESS_KEY/);
    const config = loadConfig({
      ...VALID,
      GATEHOUSE_BROKER_ACCESS_KEY_ID: "AKIAABCDEFGHIJKLMNOP",
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: "x".repeat(40),
    });
    expect(config.aws.brokerCredentials?.accessKeyId).toBe("AKIAABCDEFGHIJKLMNOP");
  });

  it("a configuration error never echoes a secret's value", () => {
    const secret = "hunter2-but-too-short";
    const problems = problemsOf({ ...VALID, NEXTAUTH_SECRET: secret, OIDC_CLIENT_SECRET: "" });
    expect(problems.join("\n")).not.toContain(secret);
  });

  it("plain http is allowed for a portal on localhost (the demo)", () => {
    expect(loadConfig({ ...VALID, NEXTAUTH_URL: "http://localhost:3000/" }).publicUrl).toBe(
      "http://localhost:3000",
    );
  });

  it("NEXTAUTH_URL is the portal's origin: a path, query or fragment is refused at start", () => {
    for (const url of [
      "https://aws.corp.example/gatehouse",
      "https://aws.corp.example/gatehouse/",
      "https://aws.corp.example/?tenant=1",
      "https://aws.corp.example?",
      "https://aws.corp.example/#top",
    ]) {
      expect(problemsOf({ ...VALID, NEXTAUTH_URL: url }), url).toEqual([
        expect.stringMatching(/^NEXTAUTH_URL must be the portal's origin only/),
      ]);
    }
    for (const url of ["https://aws.corp.example/", "https://aws.corp.example:8443"])
      expect(problemsOf({ ...VALID, NEXTAUTH_URL: url }), url).toEqual([]);
  });

  it("broker keys that AWS would refuse on every call are refused at start, naming the setting", () => {
    const akia = "AKIAABCDEFGHIJKLMNOP";
    const asia = "ASIAABCDEFGHIJKLMNOP";
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [
        "a secret key of the wrong length",
        { GATEHOUSE_BROKER_ACCESS_KEY_ID: akia, GATEHOUSE_BROKER_SECRET_ACCESS_KEY: "short" },
        /^GATEHOUSE_BROKER_SECRET_ACCESS_KEY must be an AWS secret access key/,
      ],
      [
        "a secret key with a character outside base64",
        {
          GATEHOUSE_BROKER_ACCESS_KEY_ID: akia,
          GATEHOUSE_BROKER_SECRET_ACCESS_KEY: `${secret.slice(0, 39)} `,
        },
        /^GATEHOUSE_BROKER_SECRET_ACCESS_KEY must be an AWS secret access key/,
      ],
      [
        "a session token with an IAM user's long-term key",
        {
          GATEHOUSE_BROKER_ACCESS_KEY_ID: akia,
          GATEHOUSE_BROKER_SECRET_ACCESS_KEY: secret,
          GATEHOUSE_BROKER_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLE",
        },
        /^GATEHOUSE_BROKER_SESSION_TOKEN belongs with temporary keys/,
      ],
      [
        "temporary keys without their session token",
        { GATEHOUSE_BROKER_ACCESS_KEY_ID: asia, GATEHOUSE_BROKER_SECRET_ACCESS_KEY: secret },
        /^GATEHOUSE_BROKER_SESSION_TOKEN is required with temporary keys/,
      ],
      [
        "an MFA device with temporary keys",
        {
          GATEHOUSE_BROKER_ACCESS_KEY_ID: asia,
          GATEHOUSE_BROKER_SECRET_ACCESS_KEY: secret,
          GATEHOUSE_BROKER_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLE",
          GATEHOUSE_BROKER_MFA_SERIAL: "arn:aws:iam::111122223333:mfa/broker",
        },
        /^GATEHOUSE_BROKER_MFA_SERIAL needs IAM user keys/,
      ],
    ];
    for (const [name, env, problem] of cases) {
      const problems = problemsOf({ ...VALID, ...env });
      expect(problems, name).toEqual([expect.stringMatching(problem)]);
      expect(problems.join("\n"), name).not.toContain(secret);
    }
    for (const valid of [
      { GATEHOUSE_BROKER_ACCESS_KEY_ID: akia, GATEHOUSE_BROKER_SECRET_ACCESS_KEY: secret },
      {
        GATEHOUSE_BROKER_ACCESS_KEY_ID: asia,
        GATEHOUSE_BROKER_SECRET_ACCESS_KEY: secret,
        GATEHOUSE_BROKER_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLE",
      },
      {
        GATEHOUSE_BROKER_ACCESS_KEY_ID: akia,
        GATEHOUSE_BROKER_SECRET_ACCESS_KEY: secret,
        GATEHOUSE_BROKER_MFA_SERIAL: "arn:aws:iam::111122223333:mfa/broker",
      },
    ])
      expect(problemsOf({ ...VALID, ...valid })).toEqual([]);
  });

  it("PORT and HOST are checked at start with the rest, before migrations or Next.js", () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: "abc" }, /^PORT must be a TCP port \(1\.\.65535\), got "abc"$/],
      [{ PORT: "70000" }, /^PORT must be a TCP port/],
      [{ PORT: "0" }, /^PORT must be a TCP port/],
      [{ PORT: "3000.5" }, /^PORT must be a TCP port/],
      [{ HOST: "not a host" }, /^HOST must be an IP address or a host name/],
      [{ HOST: "http://0.0.0.0" }, /^HOST must be an IP address or a host name/],
    ];
    for (const [env, problem] of cases)
      expect(problemsOf({ ...VALID, ...env }), JSON.stringify(env)).toEqual([
        expect.stringMatching(problem),
      ]);
    expect(loadConfig(VALID).listen).toEqual({ port: 3000, host: "0.0.0.0" });
    expect(loadConfig({ ...VALID, PORT: "8080", HOST: "::" }).listen).toEqual({
      port: 8080,
      host: "::",
    });
    expect(loadConfig({ ...VALID, HOST: "gatehouse-0.internal" }).listen.host).toBe(
      "gatehouse-0.internal",
    );
  });

  it("in production, STS, the federation endpoint and the OIDC IdP are reached over https except on localhost", () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { GATEHOUSE_STS_ENDPOINT: "http://sts.us-east-1.amazonaws.com" },
        /^GATEHOUSE_STS_ENDPOINT entry "http:\/\/sts\.us-east-1\.amazonaws\.com" must use https:\/\//,
      ],
      [
        { GATEHOUSE_STS_ENDPOINTS: "us-east-1,us-west-2=http://sts-proxy.internal:8080" },
        /^GATEHOUSE_STS_ENDPOINTS entry "us-west-2=http:\/\/sts-proxy\.internal:8080" must use https:\/\//,
      ],
      [
        { GATEHOUSE_FEDERATION_ENDPOINT: "http://signin.aws.amazon.com/federation" },
        /^GATEHOUSE_FEDERATION_ENDPOINT must use https:\/\//,
      ],
      [{ OIDC_ISSUER: "http://login.corp.example" }, /^OIDC_ISSUER must be https:\/\//],
    ];
    for (const [env, problem] of cases)
      expect(problemsOf({ ...VALID, ...env }), JSON.stringify(env)).toEqual([
        expect.stringMatching(problem),
      ]);
    for (const valid of [
      { GATEHOUSE_STS_ENDPOINT: "us-east-1=http://127.0.0.1:3200" },
      { GATEHOUSE_FEDERATION_ENDPOINT: "http://localhost:3200/federation" },
      { OIDC_ISSUER: "http://127.0.0.1:3100/oidc" },
      { NODE_ENV: "development", GATEHOUSE_STS_ENDPOINT: "http://sts.us-east-1.amazonaws.com" },
      { GATEHOUSE_STS_ENDPOINTS: "us-east-1,https://sts.us-west-2.amazonaws.com" },
    ])
      expect(problemsOf({ ...VALID, ...valid }), JSON.stringify(valid)).toEqual([]);
  });

  it("GATEHOUSE_METRICS_ALLOW that lists nothing is refused, not read as 'no scraper at all'", () => {
    for (const value of [",", " , ,"])
      expect(problemsOf({ ...VALID, GATEHOUSE_METRICS_ALLOW: value })).toEqual([
        "GATEHOUSE_METRICS_ALLOW must list at least one address or CIDR block",
      ]);
  });

  it("OIDC_SCOPES without openid is refused at start, naming the setting and what was set", () => {
    for (const scopes of ["profile email", "openidx profile", "email openid-connect"])
      expect(problemsOf({ ...VALID, OIDC_SCOPES: scopes })).toEqual([
        `OIDC_SCOPES must include openid (OIDC sign-in needs an id_token), got "${scopes}"`,
      ]);
    expect(loadConfig({ ...VALID, OIDC_SCOPES: "email  openid" }).oidc?.scopes).toBe(
      "email  openid",
    );
  });

  it.each([
    ["GATEHOUSE_LOG_LEVEL", "chatty", '"debug", "info", "warn", "error"'],
    ["NODE_ENV", "staging", '"development", "production", "test"'],
  ])("%s that is no known value is refused echoing it", (name, value, options) => {
    expect(problemsOf({ ...VALID, [name]: value })).toEqual([
      `${name} must be one of ${options}, got "${value}"`,
    ]);
  });

  it("a malformed number names what the setting counts: seconds only for a *_SECONDS setting", () => {
    const wrongUnit = Object.keys(settingsSchema.shape).filter(
      (name) =>
        problemsOf({ ...VALID, [name]: "x" }).some(
          (problem) => problem.startsWith(`${name} `) && problem.includes("number of seconds"),
        ) && !name.endsWith("_SECONDS"),
    );
    expect(wrongUnit).toEqual([]);
    expect(problemsOf({ ...VALID, GATEHOUSE_TRUSTED_PROXY_HOPS: "one" })).toEqual([
      'GATEHOUSE_TRUSTED_PROXY_HOPS must be a whole number of proxies, got "one"',
    ]);
  });
});

describe("GATEHOUSE_* variables no part of Gatehouse reads", () => {
  it.each([
    ["GATEHOUSE_METRIC_TOKEN", "GATEHOUSE_METRICS_TOKEN"],
    ["GATEHOUSE_MIGRATE_ON_STRAT", "GATEHOUSE_MIGRATE_ON_START"],
    ["GATEHOUSE_ADMIN_GROUPS", "GATEHOUSE_ADMIN_GROUP"],
    ["GATEHOUSE_STS_ENDPIONTS", "GATEHOUSE_STS_ENDPOINTS"],
    ["GATEHOUSE_FLUX_CAPACITOR", undefined],
  ])("%s is reported, with the setting it resembles (%s)", (name, suggestion) => {
    const unknown = unknownSettings({ ...VALID, [name]: "value" });
    expect(unknown).toEqual([{ name, suggestion }]);
    expect(describeUnknownSetting(unknown[0]!)).toContain(
      suggestion ? `did you mean ${suggestion}?` : ".env.example lists every setting",
    );
  });

  it("every GATEHOUSE_* name the portal, the CLI, the demo, the scripts and the test stacks read is not", () => {
    // Read from the sources, so a variable added anywhere but forgotten here fails this test.
    const names = namesReadBySources();
    expect(names).toEqual(expect.arrayContaining(["GATEHOUSE_URL", "GATEHOUSE_TEST_DATABASE"]));
    const env = Object.fromEntries(
      [...names, ...Object.keys(settingsSchema.shape), "NODE_OPTIONS"].map((n) => [n, "value"]),
    );
    expect(unknownSettings(env)).toEqual([]);
  });
});

/** Every full GATEHOUSE_* name in the code that runs (not the tests' own deliberate typos). */
function namesReadBySources(): string[] {
  const roots = ["app", "lib", "cli", "dev", "prisma", ".ci", "tests/support"];
  const files = [
    ...["server.ts", "instrumentation.ts", "proxy.ts", "package.json", "next.config.js"],
    ...["playwright.config.ts", "vitest.config.mts"],
  ];
  const sourceFile = /\.(ts|tsx|mts|mjs|js|json)$|^run$/;
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory())
        return ["node_modules", "dist"].includes(entry.name) ? [] : walk(full);
      return sourceFile.test(entry.name) ? [full] : [];
    });
  const names = new Set<string>();
  for (const file of [...roots.flatMap(walk), ...files])
    for (const [name] of fs
      .readFileSync(file, "utf8")
      .matchAll(/GATEHOUSE_[A-Z0-9_]*[A-Z0-9](?![\w$])/g))
      names.add(name);
  // A constant the CLI's build defines, not an environment variable.
  names.delete("GATEHOUSE_CLI_VERSION");
  return [...names].sort();
}
