import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { setLogLevel } from "@/lib/log";
import {
  isSamlSchemaValidatorRegistered,
  registerSamlSchemaValidator,
} from "@/lib/saml/schema-validator";

/** Validates configuration at server start; prints what is wrong and exits on a bad setting. */
export function bootOrExit(): void {
  try {
    const config = getConfig();
    setLogLevel(config.logLevel);
    // SAML responses are schema-validated before anything reads them; without a validator the
    // portal must not serve at all (issue 3).
    registerSamlSchemaValidator();
    if (!isSamlSchemaValidatorRegistered())
      throw new Error("no SAML schema validator could be registered");
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(78); // EX_CONFIG
    }
    process.stderr.write(
      `Gatehouse cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
