import { z } from "zod";

/**
 * Every setting Gatehouse reads, with its validation. `.env.example` documents each one; keep the
 * two in step. Names follow the upstream convention where a library reads the variable itself
 * (NEXTAUTH_URL, NEXTAUTH_SECRET, DATABASE_URL, AWS_REGION).
 */

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.username === "" &&
      url.password === ""
    );
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .trim()
  .refine(isHttpUrl, "must be an absolute http(s) URL without credentials")
  .transform((u) => u.replace(/\/+$/, ""));

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

function intInRange(min: number, max: number, fallback: number) {
  return z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message: `must be a whole number of seconds, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });
}

const awsRegion = z
  .string()
  .trim()
  .regex(
    /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/,
    "must be an AWS region code like us-east-1",
  );

export const settingsSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).optional().default("production"),
    DATABASE_URL: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === undefined || v === "" ? "file:./data/gatehouse.db" : v))
      .refine(
        (v) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(v),
        'must be "file:<path>" (SQLite) or "postgresql://…" (PostgreSQL)',
      ),
    NEXTAUTH_URL: httpUrl,
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters of random data"),
    OIDC_ISSUER: httpUrl.optional(),
    OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_GROUPS_CLAIM: z.string().trim().min(1).optional().default("groups"),
    OIDC_SCOPES: z.string().trim().min(1).optional().default("openid profile email"),
    OIDC_DISPLAY_NAME: z.string().trim().min(1).optional().default("your company account"),
    GATEHOUSE_ADMIN_GROUP: z
      .string()
      .trim()
      .min(1, "is required (the IdP group whose members administer Gatehouse)"),
    GATEHOUSE_SESSION_MAX_AGE_SECONDS: intInRange(300, 86_400, 28_800),
    GATEHOUSE_ACCESS_CONTACT: z
      .string()
      .trim()
      .min(1)
      .optional()
      .default("your AWS administrators"),
    GATEHOUSE_DEFAULT_REGION: awsRegion.optional().default("us-east-1"),
    AWS_REGION: awsRegion.optional().default("us-east-1"),
    GATEHOUSE_STS_ENDPOINT: optionalString.pipe(httpUrl.optional()),
    GATEHOUSE_FEDERATION_ENDPOINT: httpUrl
      .optional()
      .default("https://signin.aws.amazon.com/federation"),
    GATEHOUSE_BROKER_ACCESS_KEY_ID: optionalString.pipe(
      z
        .string()
        .regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, "must be an AWS access key id (AKIA…)")
        .optional(),
    ),
    GATEHOUSE_BROKER_SECRET_ACCESS_KEY: optionalString,
    GATEHOUSE_BROKER_SESSION_TOKEN: optionalString,
    GATEHOUSE_SAML_SP_ENTITY_ID: z.string().trim().min(1).max(1024).optional(),
    GATEHOUSE_SAML_CLOCK_SKEW_SECONDS: intInRange(0, 300, 60),
    GATEHOUSE_SAML_MAX_ASSERTION_AGE_SECONDS: intInRange(30, 3600, 300),
    GATEHOUSE_TRUSTED_PROXY_HOPS: intInRange(0, 5, 0),
    GATEHOUSE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional().default("info"),
  })
  .superRefine((s, ctx) => {
    const oidc = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;
    const setOidc = oidc.filter((name) => s[name] !== undefined);
    if (setOidc.length > 0 && setOidc.length < oidc.length) {
      for (const name of oidc.filter((n) => s[n] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `is required when ${setOidc.join(", ")} ${setOidc.length === 1 ? "is" : "are"} set (OIDC sign-in needs issuer, client id and secret)`,
        });
      }
    }
    const hasKey = s.GATEHOUSE_BROKER_ACCESS_KEY_ID !== undefined;
    const hasSecret = s.GATEHOUSE_BROKER_SECRET_ACCESS_KEY !== undefined;
    if (hasKey !== hasSecret) {
      ctx.addIssue({
        code: "custom",
        path: [hasKey ? "GATEHOUSE_BROKER_SECRET_ACCESS_KEY" : "GATEHOUSE_BROKER_ACCESS_KEY_ID"],
        message:
          "set both GATEHOUSE_BROKER_ACCESS_KEY_ID and GATEHOUSE_BROKER_SECRET_ACCESS_KEY, or neither (then the AWS default credential chain is used)",
      });
    }
    if (s.GATEHOUSE_BROKER_SESSION_TOKEN !== undefined && !hasKey) {
      ctx.addIssue({
        code: "custom",
        path: ["GATEHOUSE_BROKER_SESSION_TOKEN"],
        message: "is only meaningful with GATEHOUSE_BROKER_ACCESS_KEY_ID",
      });
    }
    if (
      s.NODE_ENV === "production" &&
      s.NEXTAUTH_URL.startsWith("http://") &&
      !isLoopbackUrl(s.NEXTAUTH_URL)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_URL"],
        message: "must be https:// except on localhost: session cookies would travel in clear text",
      });
    }
  });

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

export type Settings = z.output<typeof settingsSchema>;
