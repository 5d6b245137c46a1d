import type { AwsPartition } from "@/lib/aws/partitions";
import type { RateLimits } from "@/lib/rate-limit/settings";
import { awsSettings } from "./aws-settings";
import { ConfigError } from "./config-error";
import { discoverySettings, type DiscoveryConfig } from "./discovery-config";
import { settingsSchema, type Settings } from "./schema";
import type { StsEndpointConfig } from "./sts-endpoint-settings";

export type { StsEndpointConfig } from "./sts-endpoint-settings";
// The error loadConfig throws: its callers (server.ts, the CLI) catch it from here.
export { ConfigError } from "./config-error";

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
        /** Whether this IdP's groups may make someone an admin or auditor (default yes). */
        trustedForPrivileges: boolean;
        /** Part of the directory whose verified emails link identities to one person. */
        linkByEmail: boolean;
      }
    | undefined;
  saml: {
    /** The portal's SP entityID (default: its metadata URL). */
    spEntityId: string;
    /** Where IdPs POST portal sign-in responses. */
    acsUrl: string;
    /** Where the IdP answers a LogoutRequest (SingleLogoutService, both bindings). */
    sloUrl: string;
    /** Where the AWS app POSTs AWS-targeted responses (the relay endpoint). */
    awsRelayUrl: string;
    metadataUrl: string;
    clockSkewSeconds: number;
    maxAssertionAgeSeconds: number;
  };
  /**
   * Whether signing out also ends the sign-in at the IdP, where the IdP offers single logout
   * (GATEHOUSE_SINGLE_LOGOUT; docs/SINGLE-LOGOUT.md).
   */
  singleLogout: boolean;
  adminGroup: string;
  /** IdP group whose members may read the audit log and access reviews (admins may too). */
  auditorGroup: string | undefined;
  sessionMaxAgeSeconds: number;
  /** The gatehouse CLI's sign-in (docs/API.md). */
  cli: {
    tokenTtlSeconds: number;
    deviceCodeTtlSeconds: number;
    pollIntervalSeconds: number;
  };
  /** Access requests and their notifications (docs/ACCESS-REQUESTS.md). */
  accessRequests: {
    decideWithinSeconds: number;
    webhookUrl: string | null;
    webhookSecret: string | null;
    /** One webhook POST's time limit (GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS). */
    webhookTimeoutMs: number;
  };
  /** Account and role discovery (docs/DISCOVERY.md); null when not configured. */
  discovery: DiscoveryConfig | null;
  accessContact: string;
  defaultRegion: string;
  aws: {
    /** The broker's home region (AWS_REGION): decides its partition. */
    region: string;
    /** The partition of the broker, its STS endpoints, and every role it may assume. */
    partition: AwsPartition;
    /**
     * STS endpoints in the order they are tried, each with the region it is signed for
     * (docs/AWS.md "STS endpoints"). Never empty.
     */
    stsEndpoints: StsEndpointConfig[];
    /** Region entries use FIPS 140 endpoints (GATEHOUSE_STS_FIPS / AWS_USE_FIPS_ENDPOINT). */
    stsFips: boolean;
    /** Region entries use dual-stack (IPv6) endpoints. */
    stsDualStack: boolean;
    /** Attempts on one endpoint before moving to the next (retryable failures only). */
    stsAttemptsPerEndpoint: number;
    /** Per-attempt timeout. */
    stsTimeoutMs: number;
    /** Base of the jittered exponential backoff between attempts. */
    stsBackoffBaseMs: number;
    federationEndpoint: string;
    /** What an AWS-targeted SAML assertion must carry in this partition. */
    saml: { audience: string; recipients: string[] };
    brokerCredentials:
      | { accessKeyId: string; secretAccessKey: string; sessionToken: string | undefined }
      | undefined;
    /** With IAM user keys: exchange them via GetSessionToken so the long-term key signs almost nothing. */
    brokerUsesSessionToken: boolean;
    /** DurationSeconds asked of GetSessionToken for the broker's own session. */
    brokerSessionSeconds: number;
    /** The broker IAM user's MFA device, for the admin's MFA unlock; undefined: no unlock. */
    brokerMfaSerial: string | undefined;
  };
  /** Session tags from IdP claims (OIDC) or attributes (SAML): tag key ← claim name. */
  sessionTags: Array<{ tagKey: string; claim: string }>;
  /** What counts as multi-factor evidence at sign-in. */
  mfa: {
    /** OIDC `amr` values (RFC 8176) any one of which means MFA. */
    amrValues: string[];
    /** OIDC `acr` values that mean MFA; the first is requested (acr_values) on step-up. */
    acrValues: string[];
    /** SAML AuthnContextClassRef values that mean MFA; requested (RequestedAuthnContext) on step-up. */
    samlAuthnContexts: string[];
  };
  /** How many reverse proxies in front of the portal append to X-Forwarded-For (0: none). */
  trustedProxyHops: number;
  /** Requests one process holds in flight before it sheds with 503 (docs/OPERATIONS.md). */
  maxConcurrentRequests: number;
  /** The V8 heap limit, MB, `npm start` is to run the server under (docs/OPERATIONS.md "Memory"). */
  maxHeapMb: number;
  /** Where server.ts listens (PORT, HOST). */
  listen: { port: number; host: string };
  /**
   * Whether the broker's exchanged sessions (and MFA unlock) are shared through the database by
   * every replica (docs/OPERATIONS.md "The broker's sessions"); default on PostgreSQL only.
   */
  brokerSharedSessions: boolean;
  /**
   * Whether the server applies pending migrations before it serves; off when a separate job runs
   * them (the replica then waits behind the schema gate, docs/OPERATIONS.md).
   */
  migrateOnStart: boolean;
  /** Whether /api/ready requires the broker's identity to be known. */
  readyRequiresBroker: boolean;
  /** Who may read /api/metrics: a bearer token when set, else these client networks. */
  metrics: { token: string | undefined; allow: string[] };
  /** Requests allowed per window, by kind (docs/SECURITY.md "Rate limits"). */
  rateLimits: RateLimits;
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
  const aws = awsSettings(s);
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
            trustedForPrivileges: s.OIDC_TRUSTED_FOR_PRIVILEGES,
            linkByEmail: s.OIDC_LINK_BY_EMAIL,
          }
        : undefined,
    saml: {
      spEntityId: s.GATEHOUSE_SAML_SP_ENTITY_ID ?? `${s.NEXTAUTH_URL}/api/auth/saml/metadata`,
      acsUrl: `${s.NEXTAUTH_URL}/api/auth/saml/acs`,
      sloUrl: `${s.NEXTAUTH_URL}/api/auth/saml/slo`,
      awsRelayUrl: `${s.NEXTAUTH_URL}/api/aws/saml/relay`,
      metadataUrl: `${s.NEXTAUTH_URL}/api/auth/saml/metadata`,
      clockSkewSeconds: s.GATEHOUSE_SAML_CLOCK_SKEW_SECONDS,
      maxAssertionAgeSeconds: s.GATEHOUSE_SAML_MAX_ASSERTION_AGE_SECONDS,
    },
    singleLogout: s.GATEHOUSE_SINGLE_LOGOUT,
    adminGroup: s.GATEHOUSE_ADMIN_GROUP,
    auditorGroup: s.GATEHOUSE_AUDITOR_GROUP,
    sessionMaxAgeSeconds: s.GATEHOUSE_SESSION_MAX_AGE_SECONDS,
    cli: {
      tokenTtlSeconds: s.GATEHOUSE_CLI_TOKEN_TTL_SECONDS,
      deviceCodeTtlSeconds: s.GATEHOUSE_DEVICE_CODE_TTL_SECONDS,
      pollIntervalSeconds: s.GATEHOUSE_DEVICE_POLL_INTERVAL_SECONDS,
    },
    accessRequests: {
      decideWithinSeconds: s.GATEHOUSE_ACCESS_REQUEST_DECIDE_WITHIN_SECONDS,
      webhookUrl: s.GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL ?? null,
      webhookSecret: s.GATEHOUSE_WEBHOOK_SECRET ?? null,
      webhookTimeoutMs: s.GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS * 1000,
    },
    discovery: discoverySettings(s, aws.partition),
    accessContact: s.GATEHOUSE_ACCESS_CONTACT,
    defaultRegion: aws.defaultRegion,
    aws: {
      region: s.AWS_REGION,
      partition: aws.partition,
      stsEndpoints: aws.stsEndpoints,
      stsFips: aws.fips,
      stsDualStack: aws.dualStack,
      saml: aws.saml,
      stsAttemptsPerEndpoint: s.GATEHOUSE_STS_ATTEMPTS_PER_ENDPOINT,
      stsTimeoutMs: s.GATEHOUSE_STS_TIMEOUT_MS,
      stsBackoffBaseMs: s.GATEHOUSE_STS_BACKOFF_BASE_MS,
      federationEndpoint: aws.federationEndpoint,
      brokerCredentials:
        s.GATEHOUSE_BROKER_ACCESS_KEY_ID && s.GATEHOUSE_BROKER_SECRET_ACCESS_KEY
          ? {
              accessKeyId: s.GATEHOUSE_BROKER_ACCESS_KEY_ID,
              secretAccessKey: s.GATEHOUSE_BROKER_SECRET_ACCESS_KEY,
              sessionToken: s.GATEHOUSE_BROKER_SESSION_TOKEN,
            }
          : undefined,
      brokerUsesSessionToken: s.GATEHOUSE_BROKER_GET_SESSION_TOKEN,
      brokerSessionSeconds: s.GATEHOUSE_BROKER_SESSION_SECONDS,
      brokerMfaSerial: s.GATEHOUSE_BROKER_MFA_SERIAL,
    },
    sessionTags: s.GATEHOUSE_SESSION_TAGS,
    mfa: {
      amrValues: s.GATEHOUSE_MFA_AMR_VALUES,
      acrValues: s.GATEHOUSE_MFA_ACR_VALUES,
      samlAuthnContexts: s.GATEHOUSE_SAML_MFA_AUTHN_CONTEXTS,
    },
    trustedProxyHops: s.GATEHOUSE_TRUSTED_PROXY_HOPS,
    maxConcurrentRequests: s.GATEHOUSE_MAX_CONCURRENT_REQUESTS,
    maxHeapMb: s.GATEHOUSE_MAX_HEAP_MB,
    listen: { port: s.PORT, host: s.HOST },
    brokerSharedSessions:
      s.GATEHOUSE_BROKER_SHARED_SESSIONS ?? s.DATABASE_URL.startsWith("postgres"),
    readyRequiresBroker: s.GATEHOUSE_READY_REQUIRES_BROKER,
    migrateOnStart: s.GATEHOUSE_MIGRATE_ON_START,
    metrics: { token: s.GATEHOUSE_METRICS_TOKEN, allow: s.GATEHOUSE_METRICS_ALLOW },
    rateLimits: s.GATEHOUSE_RATE_LIMITS,
    logLevel: s.GATEHOUSE_LOG_LEVEL,
  };
}
