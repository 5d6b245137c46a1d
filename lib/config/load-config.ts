import { settingsSchema, type Settings } from "./schema";

/** A setting is missing or malformed. The message names every offending setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Gatehouse configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface AppConfig {
  nodeEnv: Settings["NODE_ENV"];
  databaseUrl: string;
  /** The portal's public origin, e.g. https://aws.corp.example. Also the federation Issuer. */
  publicUrl: string;
  authSecret: string;
  /** OIDC sign-in, when configured (SAML identity providers are configured in the database). */
  oidc:
    | {
        issuer: string;
        clientId: string;
        clientSecret: string;
        groupsClaim: string;
        scopes: string;
        displayName: string;
      }
    | undefined;
  saml: {
    /** The portal's SP entityID (default: its metadata URL). */
    spEntityId: string;
    /** Where IdPs POST portal sign-in responses. */
    acsUrl: string;
    /** Where the AWS app POSTs AWS-targeted responses (the relay endpoint). */
    awsRelayUrl: string;
    metadataUrl: string;
    clockSkewSeconds: number;
    maxAssertionAgeSeconds: number;
  };
  adminGroup: string;
  sessionMaxAgeSeconds: number;
  accessContact: string;
  defaultRegion: string;
  aws: {
    region: string;
    stsEndpoint: string | undefined;
    federationEndpoint: string;
    brokerCredentials:
      | { accessKeyId: string; secretAccessKey: string; sessionToken: string | undefined }
      | undefined;
  };
  /** How many reverse proxies in front of the portal append to X-Forwarded-For (0: none). */
  trustedProxyHops: number;
  logLevel: Settings["GATEHOUSE_LOG_LEVEL"];
}

/**
 * Parses and validates every setting. Pure: takes the environment as an argument, so tests can
 * check each rule without touching process.env.
 * @throws ConfigError naming every missing or malformed setting (never echoing a secret's value).
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty value (`NAME=` in an env file) means "not set", so defaults apply and required
  // settings are reported as missing rather than as malformed.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(settings)";
        const message =
          issue.code === "invalid_type" && present[name] === undefined
            ? "is required"
            : issue.message;
        return `${name} ${message}`;
      }),
    );
  }
  const s = parsed.data;
  return {
    nodeEnv: s.NODE_ENV,
    databaseUrl: s.DATABASE_URL,
    publicUrl: s.NEXTAUTH_URL,
    authSecret: s.NEXTAUTH_SECRET,
    oidc:
      s.OIDC_ISSUER && s.OIDC_CLIENT_ID && s.OIDC_CLIENT_SECRET
        ? {
            issuer: s.OIDC_ISSUER,
            clientId: s.OIDC_CLIENT_ID,
            clientSecret: s.OIDC_CLIENT_SECRET,
            groupsClaim: s.OIDC_GROUPS_CLAIM,
            scopes: s.OIDC_SCOPES,
            displayName: s.OIDC_DISPLAY_NAME,
          }
        : undefined,
    saml: {
      spEntityId: s.GATEHOUSE_SAML_SP_ENTITY_ID ?? `${s.NEXTAUTH_URL}/api/auth/saml/metadata`,
      acsUrl: `${s.NEXTAUTH_URL}/api/auth/saml/acs`,
      awsRelayUrl: `${s.NEXTAUTH_URL}/api/aws/saml/relay`,
      metadataUrl: `${s.NEXTAUTH_URL}/api/auth/saml/metadata`,
      clockSkewSeconds: s.GATEHOUSE_SAML_CLOCK_SKEW_SECONDS,
      maxAssertionAgeSeconds: s.GATEHOUSE_SAML_MAX_ASSERTION_AGE_SECONDS,
    },
    adminGroup: s.GATEHOUSE_ADMIN_GROUP,
    sessionMaxAgeSeconds: s.GATEHOUSE_SESSION_MAX_AGE_SECONDS,
    accessContact: s.GATEHOUSE_ACCESS_CONTACT,
    defaultRegion: s.GATEHOUSE_DEFAULT_REGION,
    aws: {
      region: s.AWS_REGION,
      stsEndpoint: s.GATEHOUSE_STS_ENDPOINT,
      federationEndpoint: s.GATEHOUSE_FEDERATION_ENDPOINT,
      brokerCredentials:
        s.GATEHOUSE_BROKER_ACCESS_KEY_ID && s.GATEHOUSE_BROKER_SECRET_ACCESS_KEY
          ? {
              accessKeyId: s.GATEHOUSE_BROKER_ACCESS_KEY_ID,
              secretAccessKey: s.GATEHOUSE_BROKER_SECRET_ACCESS_KEY,
              sessionToken: s.GATEHOUSE_BROKER_SESSION_TOKEN,
            }
          : undefined,
    },
    trustedProxyHops: s.GATEHOUSE_TRUSTED_PROXY_HOPS,
    logLevel: s.GATEHOUSE_LOG_LEVEL,
  };
}
