import { isIP } from "node:net";
import { z } from "zod";
import {
  AWS_REGION_HINT,
  isAwsRegion,
  MAX_GET_SESSION_TOKEN_SECONDS,
  MFA_SERIAL_PATTERN,
  MIN_GET_SESSION_TOKEN_SECONDS,
} from "@/lib/aws/partitions";
import { refusedUrlReason } from "@/lib/net/refused-addresses";
import { parseRateLimits } from "@/lib/rate-limit/settings";
import { discoverySettingsSchema } from "./discovery-settings";
import { postgresUrlProblem } from "./database-url";
import { checkSettingsTogether } from "./settings-together";
import { parseNetwork } from "./networks";
import {
  booleanFlag,
  commaList,
  httpUrl,
  intInRange,
  isHttpUrl,
  oneOf,
  optionalBooleanFlag,
  optionalString,
} from "./setting-types";

/**
 * Every setting Gatehouse reads, with its validation. `.env.example` documents each one; keep the
 * two in step. Names follow the upstream convention where a library reads the variable itself
 * (NEXTAUTH_URL, NEXTAUTH_SECRET, DATABASE_URL, AWS_REGION).
 */

/**
 * The portal is served at the root of its host (Next.js has no base path here), and every URL it
 * hands out — SAML ACS and metadata, OIDC redirects, the AWS console's Issuer — is this origin
 * plus a path: a path, query or fragment would produce URLs nothing answers.
 */
function isOrigin(value: string): boolean {
  const url = new URL(value);
  return url.pathname === "/" && url.search === "" && url.hash === "" && !value.endsWith("?");
}

/** AWS secret access keys are 40 characters of base64's alphabet. */
const SECRET_ACCESS_KEY_PATTERN = /^[A-Za-z0-9/+=]{40}$/;

/** A host name or IP address to listen on (server.ts). */
function isListenHost(value: string): boolean {
  return (
    isIP(value) !== 0 ||
    /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
      value,
    )
  );
}

/** The same check issuance makes (lib/aws/partitions.ts): one definition of a region code. */
const awsRegion = z.string().trim().refine(isAwsRegion, AWS_REGION_HINT);

/**
 * V8's old-generation limit `npm start` gives the server (`--max-old-space-size`, from
 * GATEHOUSE_MAX_HEAP_MB). Without a limit V8 sizes the heap from the machine's memory (about 4 GB
 * on 24 GB) and lets garbage pile up to it; with this one the heap stays near 150 MB under load
 * (docs/OPERATIONS.md "Memory").
 */
export const DEFAULT_MAX_HEAP_MB = 1024;

export const settingsSchema = z
  .object({
    NODE_ENV: oneOf(["development", "production", "test"], "production"),
    DATABASE_URL: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === undefined || v === "" ? "file:./data/gatehouse.db" : v))
      .refine(
        (v) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(v),
        'must be "file:<path>" (SQLite) or "postgresql://…" (PostgreSQL)',
      )
      .superRefine((v, ctx) => {
        const problem = postgresUrlProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    NEXTAUTH_URL: httpUrl.refine(
      isOrigin,
      "must be the portal's origin only (scheme, host and port, e.g. https://aws.corp.example): Gatehouse is served at the root of its host, so a path, query or fragment would break every URL it hands out",
    ),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters of random data"),
    OIDC_ISSUER: httpUrl.optional(),
    OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_GROUPS_CLAIM: z.string().trim().min(1).optional().default("groups"),
    OIDC_SCOPES: z
      .string()
      .trim()
      .min(1, "must list the scopes to ask for, separated by spaces, including openid")
      .optional()
      .default("openid profile email")
      // Without openid the IdP returns no id_token, so no OIDC sign-in could ever complete.
      .refine((v) => v.split(/\s+/).includes("openid"), {
        error: (issue) =>
          `must include openid (OIDC sign-in needs an id_token), got ${JSON.stringify(issue.input)}`,
      }),
    OIDC_DISPLAY_NAME: z.string().trim().min(1).optional().default("your company account"),
    /** Whether the OIDC IdP's groups may make someone an admin or auditor (default true). */
    OIDC_TRUSTED_FOR_PRIVILEGES: booleanFlag(true),
    /** Whether the OIDC IdP is part of the directory whose verified emails link identities. */
    OIDC_LINK_BY_EMAIL: booleanFlag(false),
    GATEHOUSE_AUDITOR_GROUP: z.string().trim().min(1).optional(),
    GATEHOUSE_ADMIN_GROUP: z
      .string()
      .trim()
      .min(1, "is required (the IdP group whose members administer Gatehouse)"),
    GATEHOUSE_SESSION_MAX_AGE_SECONDS: intInRange(300, 86_400, 28_800),
    /** Longest life of a gatehouse CLI token (docs/API.md): 12 h by default, a working day. */
    GATEHOUSE_CLI_TOKEN_TTL_SECONDS: intInRange(300, 7 * 86_400, 43_200),
    /** How long a CLI sign-in's user code may wait for approval (RFC 8628 expires_in). */
    GATEHOUSE_DEVICE_CODE_TTL_SECONDS: intInRange(60, 1_800, 600),
    /** Seconds the CLI waits between polls (RFC 8628 interval). */
    GATEHOUSE_DEVICE_POLL_INTERVAL_SECONDS: intInRange(1, 60, 5),
    /** A pending access request not decided within this expires (docs/ACCESS-REQUESTS.md). */
    GATEHOUSE_ACCESS_REQUEST_DECIDE_WITHIN_SECONDS: intInRange(300, 30 * 86_400, 86_400),
    /** Every access-request event is posted here (besides an eligible rule's own webhook). */
    GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL: httpUrl
      .superRefine((url, ctx) => {
        const refused = refusedUrlReason(url);
        if (refused)
          ctx.addIssue({ code: "custom", message: `webhooks are never sent there: ${refused}` });
      })
      .optional(),
    /** Signs webhook bodies (X-Gatehouse-Signature: sha256=HMAC); unsigned when unset. */
    /** How long one webhook POST may take before it is abandoned and retried later. */
    GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS: intInRange(1, 60, 5),
    GATEHOUSE_WEBHOOK_SECRET: z
      .string()
      .min(16, "must be at least 16 characters of random data")
      .optional(),
    ...discoverySettingsSchema,
    /** Where discovery calls AWS Organizations and IAM; default AWS's endpoints for the partition. */
    GATEHOUSE_DISCOVERY_ORGANIZATIONS_ENDPOINT: httpUrl.optional(),
    GATEHOUSE_DISCOVERY_IAM_ENDPOINT: httpUrl.optional(),
    /** The periodic sync (additions applied, removals marked); 0, the default, turns it off. */
    GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "" || v === "0") return 0;
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n >= 300 && n <= 7 * 86_400)) {
          ctx.addIssue({
            code: "custom",
            message: `must be 0 (off) or between 300 and ${7 * 86_400} seconds, got "${v}"`,
          });
          return z.NEVER;
        }
        return n;
      }),
    /** Accounts read at once; Organizations and IAM throttle hard, so keep it modest. */
    GATEHOUSE_DISCOVERY_CONCURRENCY: intInRange(1, 32, 8, "accounts"),
    /** Attempts per AWS call before a throttled or failing call ends the run. */
    GATEHOUSE_DISCOVERY_MAX_ATTEMPTS: intInRange(1, 20, 8, "attempts"),
    /** The first wait after throttling (doubling, with jitter, up to 20 s). */
    GATEHOUSE_DISCOVERY_BACKOFF_BASE_MS: intInRange(0, 60_000, 500, "milliseconds"),
    GATEHOUSE_ACCESS_CONTACT: z
      .string()
      .trim()
      .min(1)
      .optional()
      .default("your AWS administrators"),
    /** Default: AWS_REGION. Must be in the broker's partition (checked in load-config). */
    GATEHOUSE_DEFAULT_REGION: awsRegion.optional(),
    AWS_REGION: awsRegion.optional().default("us-east-1"),
    /** One entry of the GATEHOUSE_STS_ENDPOINTS forms (lib/config/sts-endpoint-settings.ts). */
    GATEHOUSE_STS_ENDPOINT: optionalString,
    /** Ordered, comma-separated: `region`, `region=URL`, or a URL whose host names its region. */
    GATEHOUSE_STS_ENDPOINTS: optionalString.transform((v, ctx) => {
      if (v === undefined) return undefined;
      const entries = v
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      if (entries.length === 0 || entries.length > 8) {
        ctx.addIssue({ code: "custom", message: "must list 1 to 8 endpoints" });
        return z.NEVER;
      }
      return entries;
    }),
    /** FIPS 140 STS endpoints for region entries; default AWS_USE_FIPS_ENDPOINT. */
    GATEHOUSE_STS_FIPS: optionalBooleanFlag(),
    GATEHOUSE_STS_DUALSTACK: optionalBooleanFlag(),
    /** The AWS SDKs' own switches, honoured as the defaults of the two above. */
    AWS_USE_FIPS_ENDPOINT: booleanFlag(false),
    AWS_USE_DUALSTACK_ENDPOINT: booleanFlag(false),
    GATEHOUSE_STS_ATTEMPTS_PER_ENDPOINT: intInRange(1, 5, 2, "attempts"),
    GATEHOUSE_STS_TIMEOUT_MS: intInRange(100, 60_000, 3000, "milliseconds"),
    GATEHOUSE_STS_BACKOFF_BASE_MS: intInRange(0, 5000, 100, "milliseconds"),
    GATEHOUSE_BROKER_GET_SESSION_TOKEN: booleanFlag(true),
    /** Share the broker's exchanged sessions through the database; default: on PostgreSQL. */
    GATEHOUSE_BROKER_SHARED_SESSIONS: optionalBooleanFlag(),
    GATEHOUSE_BROKER_SESSION_SECONDS: intInRange(
      MIN_GET_SESSION_TOKEN_SECONDS,
      MAX_GET_SESSION_TOKEN_SECONDS,
      43_200,
    ),
    GATEHOUSE_BROKER_MFA_SERIAL: optionalString.pipe(
      z
        .string()
        .regex(
          MFA_SERIAL_PATTERN,
          "must be an MFA device ARN (arn:aws:iam::<account>:mfa/<name>) or a hardware serial",
        )
        .optional(),
    ),
    /** `TagKey=claim,…`: session tags taken from the IdP's claims (OIDC) or attributes (SAML). */
    GATEHOUSE_SESSION_TAGS: optionalString.transform((v, ctx) => {
      if (v === undefined) return [];
      const mapping: Array<{ tagKey: string; claim: string }> = [];
      for (const entry of v
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean)) {
        const match = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128})=(.{1,256})$/u.exec(entry);
        if (!match || match[1]!.toLowerCase().startsWith("aws:")) {
          ctx.addIssue({
            code: "custom",
            message: `"${entry}" must be TagKey=claim (tag keys: 1–128 letters, digits, spaces, _.:/=+-@, not aws:)`,
          });
          return z.NEVER;
        }
        mapping.push({ tagKey: match[1]!, claim: match[2]!.trim() });
      }
      const keys = mapping.map((m) => m.tagKey.toLowerCase());
      if (new Set(keys).size !== keys.length) {
        ctx.addIssue({
          code: "custom",
          message: "names a tag key twice (AWS tag keys are case-insensitive)",
        });
        return z.NEVER;
      }
      if (mapping.length > 50) {
        ctx.addIssue({ code: "custom", message: "may map at most 50 tags (AWS's limit)" });
        return z.NEVER;
      }
      return mapping;
    }),
    GATEHOUSE_MFA_AMR_VALUES: commaList("mfa,otp,hwk,swk,sms,fpt,face,iris,pop"),
    GATEHOUSE_MFA_ACR_VALUES: commaList(
      "http://schemas.openid.net/pape/policies/2007/06/multi-factor,https://refeds.org/profile/mfa",
    ),
    GATEHOUSE_SAML_MFA_AUTHN_CONTEXTS: commaList(
      "http://schemas.microsoft.com/claims/multipleauthn,https://refeds.org/profile/mfa,urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken,urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    ),
    /** Default: the broker's partition's (lib/aws/partitions.ts). */
    GATEHOUSE_FEDERATION_ENDPOINT: httpUrl.optional(),
    /** The audience and Recipient(s) an AWS-targeted SAML assertion carries; default: the partition's. */
    GATEHOUSE_AWS_SAML_AUDIENCE: z.string().trim().min(1).max(1024).optional(),
    GATEHOUSE_AWS_SAML_RECIPIENTS: optionalString.transform((v, ctx) => {
      if (v === undefined) return undefined;
      const urls = v
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      const bad = urls.find((u) => !isHttpUrl(u) || !u.startsWith("https://"));
      if (urls.length === 0 || bad !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `must be https URLs, comma-separated${bad ? ` ("${bad}" is not)` : ""}`,
        });
        return z.NEVER;
      }
      return urls;
    }),
    GATEHOUSE_BROKER_ACCESS_KEY_ID: optionalString.pipe(
      z
        .string()
        .regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, "must be an AWS access key id (AKIA…)")
        .optional(),
    ),
    GATEHOUSE_BROKER_SECRET_ACCESS_KEY: optionalString.pipe(
      z
        .string()
        .regex(SECRET_ACCESS_KEY_PATTERN, "must be an AWS secret access key (40 characters)")
        .optional(),
    ),
    GATEHOUSE_BROKER_SESSION_TOKEN: optionalString,
    /**
     * Whether "Sign out" also ends the sign-in at the IdP where it supports single logout (OIDC
     * RP-initiated logout, SAML SLO); default on (docs/SINGLE-LOGOUT.md).
     */
    GATEHOUSE_SINGLE_LOGOUT: booleanFlag(true),
    /** Test stacks only (lib/clock.ts): a file holding milliseconds added to the portal's clock. */
    GATEHOUSE_TEST_CLOCK_FILE: z.string().min(1).optional(),
    GATEHOUSE_SAML_SP_ENTITY_ID: z.string().trim().min(1).max(1024).optional(),
    GATEHOUSE_SAML_CLOCK_SKEW_SECONDS: intInRange(0, 300, 60),
    GATEHOUSE_SAML_MAX_ASSERTION_AGE_SECONDS: intInRange(30, 3600, 300),
    GATEHOUSE_TRUSTED_PROXY_HOPS: intInRange(0, 5, 0, "proxies"),
    /** Whether the server applies pending migrations itself before serving (docs/OPERATIONS.md). */
    GATEHOUSE_MIGRATE_ON_START: booleanFlag(true),
    /** Whether /api/ready waits for the broker's identity (off for SAML-only deployments). */
    GATEHOUSE_READY_REQUIRES_BROKER: booleanFlag(true),
    /** Read by `npm start` (package.json), validated here so a bad value is named at start. */
    GATEHOUSE_MAX_HEAP_MB: intInRange(128, 65_536, DEFAULT_MAX_HEAP_MB, "megabytes"),
    /** Requests one process holds in flight before it answers 503 at once (docs/OPERATIONS.md). */
    GATEHOUSE_MAX_CONCURRENT_REQUESTS: intInRange(1, 100_000, 64, "requests"),
    /** Where server.ts listens. */
    PORT: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "") return 3000;
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n >= 1 && n <= 65_535)) {
          ctx.addIssue({ code: "custom", message: `must be a TCP port (1..65535), got "${v}"` });
          return z.NEVER;
        }
        return n;
      }),
    HOST: z
      .string()
      .trim()
      .optional()
      .default("0.0.0.0")
      .refine(isListenHost, "must be an IP address or a host name to listen on"),
    /** Bearer token a Prometheus scraper sends to /api/metrics; when set, it is required. */
    GATEHOUSE_METRICS_TOKEN: optionalString.pipe(
      z.string().min(16, "must be at least 16 characters").optional(),
    ),
    /** Without a token: the client networks /api/metrics answers (addresses or CIDR blocks). */
    GATEHOUSE_METRICS_ALLOW: commaList("127.0.0.1/32,::1/128").transform((entries, ctx) => {
      // "," would otherwise be an empty list: metrics refused to every scraper, silently.
      if (entries.length === 0)
        ctx.addIssue({ code: "custom", message: "must list at least one address or CIDR block" });
      for (const entry of entries)
        if (!parseNetwork(entry))
          ctx.addIssue({
            code: "custom",
            message: `"${entry}" is not an IP address or CIDR block`,
          });
      return entries;
    }),
    GATEHOUSE_LOG_LEVEL: oneOf(["debug", "info", "warn", "error"], "info"),
    /** `name=count/seconds,…` over lib/rate-limit/settings.ts's defaults. */
    GATEHOUSE_RATE_LIMITS: optionalString.transform((v, ctx) => {
      const parsed = parseRateLimits(v);
      if (!parsed.ok) {
        for (const message of parsed.problems) ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return parsed.limits;
    }),
  })
  .superRefine(checkSettingsTogether);

export type Settings = z.output<typeof settingsSchema>;
