import "server-only";
import { SamlRejection } from "./types";

const ROLE_SESSION_NAME = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const SESSION_DURATION = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
/** AWS: RoleSessionName is 2–64 characters of [\w+=,.@-]. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43200;

/**
 * The AWS attributes STS refuses as InvalidIdentityToken, checked when the relay receives the
 * assertion (docs/SAML-IDENTITY.md, "Roles reached through the AWS app"): RoleSessionName exactly
 * once, 2–64 characters of [\w+=,.@-]; SessionDuration at most once, an integer from 900 to
 * 43200. Holding such an assertion would only send the user to an STS refusal later.
 * @returns the asserted SessionDuration in seconds, or null when there is none
 * @throws SamlRejection invalid_aws_attribute, naming the attribute and the rule
 */
export function checkAwsSessionAttributes(attributes: Record<string, string[]>): number | null {
  const names = attributes[ROLE_SESSION_NAME] ?? [];
  if (names.length !== 1)
    throw new SamlRejection(
      "invalid_aws_attribute",
      `RoleSessionName must have exactly one value; it has ${names.length}`,
    );
  if (!SESSION_NAME.test(names[0] ?? ""))
    throw new SamlRejection(
      "invalid_aws_attribute",
      "RoleSessionName must be 2-64 characters of letters, digits and +=,.@_-",
    );
  const durations = attributes[SESSION_DURATION] ?? [];
  if (durations.length === 0) return null;
  const value = durations[0] ?? "";
  const seconds = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (durations.length !== 1 || !(seconds >= MIN_SESSION_SECONDS && seconds <= MAX_SESSION_SECONDS))
    throw new SamlRejection(
      "invalid_aws_attribute",
      `SessionDuration must be one integer from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS} seconds; got ${durations.map((d) => JSON.stringify(d.slice(0, 20))).join(", ")}`,
    );
  return seconds;
}
