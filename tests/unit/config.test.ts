import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/load-config";

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
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: "x",
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
});
