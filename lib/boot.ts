import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { startAccessRequestWorker } from "@/lib/access-requests/worker";
import { startDiscoverySync } from "@/lib/discovery/worker";
import { getBroker } from "@/lib/issuance/context";
import { log, setLogLevel } from "@/lib/log";
import { writeServerLine } from "@/lib/log/server-line";
import { loadSamlSchemaValidator } from "@/lib/saml/schema-validator";

/**
 * Validates configuration at server start; prints what is wrong and exits on a bad setting. Next.js
 * serves no request before this resolves, so the SAML schema engine is loaded and self-tested
 * (about 20 ms) before the first request.
 */
export async function bootOrExit(): Promise<void> {
  try {
    const config = getConfig();
    setLogLevel(config.logLevel);
    // SAML messages are schema-validated before anything reads them; without a working validator
    // the portal must not serve at all (docs/SECURITY.md).
    await loadSamlSchemaValidator();
  } catch (error) {
    exitOnBootError(error);
  }
  void checkBrokerIdentity();
  // Expiries, ends and webhook retries are written by a periodic run (docs/ACCESS-REQUESTS.md).
  startAccessRequestWorker();
  // Optional periodic discovery (docs/DISCOVERY.md "Periodic sync").
  startDiscoverySync();
}

function exitOnBootError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
    process.exit(78); // EX_CONFIG
  }
  // Any other failure is a log line like every other (docs/OPERATIONS.md "Logs"): only a refused
  // configuration above is the plain-text list an operator reads at the terminal.
  writeServerLine("error", "Gatehouse cannot start", {
    reason: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
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
    if (identity.isTemporary) {
      log.warn(
        "the broker runs on temporary credentials (a role or a session): every AssumeRole is role chaining, so AWS caps every session the portal issues at 1 hour",
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
