import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { getBroker } from "@/lib/issuance/context";
import { log, setLogLevel } from "@/lib/log";
import {
  isSamlSchemaValidatorRegistered,
  registerSamlSchemaValidator,
  selfTestSamlSchemaValidator,
} from "@/lib/saml/schema-validator";

/**
 * Validates configuration at server start; prints what is wrong and exits on a bad setting. Next.js
 * serves no request before this resolves, so the SAML engine's self-test (when SAML is in use) is
 * over before the first request, and the broker identity check below starts before it, as it did
 * when the self-test was synchronous.
 */
export async function bootOrExit(): Promise<void> {
  try {
    const config = getConfig();
    setLogLevel(config.logLevel);
    // SAML responses are schema-validated before anything reads them; without a validator the
    // portal must not serve at all (docs/SECURITY.md).
    registerSamlSchemaValidator();
    if (!isSamlSchemaValidatorRegistered())
      throw new Error("no SAML schema validator could be registered");
  } catch (error) {
    exitOnBootError(error);
  }
  await selfTestSamlValidatorIfInUse();
  void checkBrokerIdentity();
}

function exitOnBootError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(
    `Gatehouse cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}

/** How long boot waits for the database to say whether a SAML IdP exists before assuming one does. */
const SAML_IN_USE_QUERY_TIMEOUT_MS = 3_000;

/**
 * Compiles and self-tests the SAML schema engine right away (about two seconds of CPU) when the
 * portal has a SAML IdP, so no sign-in waits for it. A portal without one pays it on its first SAML
 * message, if ever; when the database can't say, it is done now. A failed self-test stops the
 * portal, as a bad setting does.
 */
async function selfTestSamlValidatorIfInUse(): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const unknown = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), SAML_IN_USE_QUERY_TIMEOUT_MS);
  });
  const inUse = await Promise.race([
    getDb()
      .samlIdentityProvider.count()
      .then((count) => count > 0)
      // The database is unreachable at boot: assume SAML is in use.
      .catch(() => true),
    unknown,
  ]);
  clearTimeout(timer);
  if (!inUse) return;
  try {
    selfTestSamlSchemaValidator();
  } catch (error) {
    exitOnBootError(error);
  }
}

/**
 * Reads the broker's identity once at startup so the log says at once who the portal acts as and
 * whether its sessions are capped by role chaining. Not fatal: AWS may be briefly unreachable,
 * and the portal retries on the first request that needs it.
 */
export async function checkBrokerIdentity(): Promise<void> {
  try {
    const identity = await getBroker().getBrokerIdentity({ refresh: true });
    log.info("broker identity", {
      arn: identity.arn,
      account: identity.account,
      credentialSource: identity.credentialSource,
      exchangesViaGetSessionToken: identity.usesSessionToken,
    });
    if (identity.isAssumedRole) {
      log.warn(
        "the broker runs on role credentials: every AssumeRole is role chaining, so AWS caps every session the portal issues at 1 hour",
        { arn: identity.arn },
      );
    }
  } catch (error) {
    log.error(
      "broker identity check failed at startup (GetCallerIdentity); the portal keeps running and retries on demand",
      {
        code: isAppError(error) ? error.code : "internal",
        awsErrorCode: isAppError(error) ? (error.awsErrorCode ?? null) : null,
        reason: isAppError(error) ? (error.internalReason ?? error.publicMessage) : String(error),
      },
    );
  }
}
