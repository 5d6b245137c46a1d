import type { z } from "zod";
import { isLoopbackUrl } from "./loopback";

/** The settings whose valid values depend on each other. */
interface SettingsToCheckTogether {
  NODE_ENV: string;
  NEXTAUTH_URL: string;
  OIDC_ISSUER?: string | undefined;
  OIDC_CLIENT_ID?: string | undefined;
  OIDC_CLIENT_SECRET?: string | undefined;
  GATEHOUSE_BROKER_ACCESS_KEY_ID?: string | undefined;
  GATEHOUSE_BROKER_SECRET_ACCESS_KEY?: string | undefined;
  GATEHOUSE_BROKER_SESSION_TOKEN?: string | undefined;
  GATEHOUSE_BROKER_MFA_SERIAL?: string | undefined;
  GATEHOUSE_STS_ENDPOINT?: string | undefined;
  GATEHOUSE_STS_ENDPOINTS?: unknown;
  GATEHOUSE_TEST_CLOCK_FILE?: string | undefined;
}

/**
 * Refuses combinations each of which is valid alone but that would start a portal that then fails:
 * half an OIDC client, half a broker key, a session token with the wrong kind of key, clear-text
 * URLs in production.
 */
export function checkSettingsTogether(s: SettingsToCheckTogether, ctx: z.RefinementCtx): void {
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
  if (s.GATEHOUSE_STS_ENDPOINT !== undefined && s.GATEHOUSE_STS_ENDPOINTS !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEHOUSE_STS_ENDPOINT"],
      message: "set GATEHOUSE_STS_ENDPOINTS (the ordered list) or GATEHOUSE_STS_ENDPOINT, not both",
    });
  }
  // AKIA… ids are an IAM user's long-term keys, which AWS refuses with a session token; ASIA…
  // ids are temporary keys, which AWS refuses without theirs. Either mistake would start and
  // then fail every STS call (README "The broker: credentials, STS endpoints, MFA").
  const keyId = s.GATEHOUSE_BROKER_ACCESS_KEY_ID;
  const isLongTermKey = keyId?.startsWith("AKIA") ?? false;
  const hasToken = s.GATEHOUSE_BROKER_SESSION_TOKEN !== undefined;
  if (s.GATEHOUSE_BROKER_MFA_SERIAL !== undefined && !isLongTermKey) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEHOUSE_BROKER_MFA_SERIAL"],
      message:
        "needs IAM user keys (GATEHOUSE_BROKER_ACCESS_KEY_ID AKIA…): only an IAM user can call GetSessionToken with an MFA code",
    });
  }
  if (hasToken && !hasKey) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEHOUSE_BROKER_SESSION_TOKEN"],
      message: "is only meaningful with GATEHOUSE_BROKER_ACCESS_KEY_ID",
    });
  } else if (hasToken && isLongTermKey) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEHOUSE_BROKER_SESSION_TOKEN"],
      message:
        "belongs with temporary keys (ASIA…); GATEHOUSE_BROKER_ACCESS_KEY_ID is an IAM user's long-term key (AKIA…), which AWS refuses with a session token",
    });
  } else if (hasKey && !hasToken && !isLongTermKey) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEHOUSE_BROKER_SESSION_TOKEN"],
      message:
        "is required with temporary keys (GATEHOUSE_BROKER_ACCESS_KEY_ID ASIA…): AWS refuses them without their session token",
    });
  }
  if (s.GATEHOUSE_TEST_CLOCK_FILE !== undefined && !isLoopbackUrl(s.NEXTAUTH_URL)) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEHOUSE_TEST_CLOCK_FILE"],
      message:
        "moves the portal's clock for a test stack: only allowed with NEXTAUTH_URL on localhost",
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
  if (
    s.NODE_ENV === "production" &&
    s.OIDC_ISSUER?.startsWith("http://") &&
    !isLoopbackUrl(s.OIDC_ISSUER)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["OIDC_ISSUER"],
      message:
        "must be https:// except on localhost: the client secret and the users' tokens would travel in clear text",
    });
  }
}
