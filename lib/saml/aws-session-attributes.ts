import "server-only";
import { isAppError } from "@/lib/errors";
import { validateSessionTags } from "@/lib/aws/session-tags";
import { SamlRejection } from "./types";

const ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/";
const ROLE_SESSION_NAME = `${ATTRIBUTES}RoleSessionName`;
const SESSION_DURATION = `${ATTRIBUTES}SessionDuration`;
const SOURCE_IDENTITY = `${ATTRIBUTES}SourceIdentity`;
const PRINCIPAL_TAG = `${ATTRIBUTES}PrincipalTag:`;
const TRANSITIVE_TAG_KEYS = `${ATTRIBUTES}TransitiveTagKeys`;
/** AWS: RoleSessionName and SourceIdentity are 2–64 characters of [\w+=,.@-]. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43200;

const refuse = (detail: string) => new SamlRejection("invalid_aws_attribute", detail);

/**
 * The AWS attributes STS refuses as InvalidIdentityToken, checked when the relay receives the
 * assertion (docs/SAML-IDENTITY.md, "Roles reached through the AWS app"): RoleSessionName exactly
 * once, 2–64 characters of [\w+=,.@-]; SessionDuration at most once, an integer from 900 to
 * 43200; SourceIdentity at most once, like RoleSessionName; each PrincipalTag:<key> one value,
 * within the session tag limits; TransitiveTagKeys naming only those tags. Holding such an
 * assertion would only send the user to an STS refusal later.
 * @returns the asserted SessionDuration in seconds, or null when there is none
 * @throws SamlRejection invalid_aws_attribute, naming the attribute and the rule
 */
export function checkAwsSessionAttributes(attributes: Record<string, string[]>): number | null {
  const names = attributes[ROLE_SESSION_NAME] ?? [];
  if (names.length !== 1)
    throw refuse(`RoleSessionName must have exactly one value; it has ${names.length}`);
  if (!SESSION_NAME.test(names[0] ?? ""))
    throw refuse("RoleSessionName must be 2-64 characters of letters, digits and +=,.@_-");
  checkSourceIdentity(attributes[SOURCE_IDENTITY] ?? []);
  checkSessionTags(attributes);
  const durations = attributes[SESSION_DURATION] ?? [];
  if (durations.length === 0) return null;
  const value = durations[0] ?? "";
  const seconds = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (durations.length !== 1 || !(seconds >= MIN_SESSION_SECONDS && seconds <= MAX_SESSION_SECONDS))
    throw refuse(
      `SessionDuration must be one integer from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS} seconds; got ${durations.map((d) => JSON.stringify(d.slice(0, 20))).join(", ")}`,
    );
  return seconds;
}

/**
 * The RoleSessionName AWS gives the session (its assumed-role ARN's last part, what CloudTrail
 * shows): the assertion's attribute, read after checkAwsSessionAttributes accepted it.
 */
export function assertedRoleSessionName(attributes: Record<string, string[]>): string | null {
  return attributes[ROLE_SESSION_NAME]?.[0] ?? null;
}

/**
 * The SourceIdentity AWS sets on the session (CloudTrail's `sourceIdentity`, kept through role
 * chaining): the assertion's attribute, read after checkAwsSessionAttributes accepted it.
 */
export function assertedSourceIdentity(attributes: Record<string, string[]>): string | null {
  return attributes[SOURCE_IDENTITY]?.[0] ?? null;
}

function checkSourceIdentity(values: readonly string[]): void {
  if (values.length > 1)
    throw refuse(`SourceIdentity must have at most one value; it has ${values.length}`);
  if (values.length === 1 && !SESSION_NAME.test(values[0] ?? ""))
    throw refuse("SourceIdentity must be 2-64 characters of letters, digits and +=,.@_-");
}

/** PrincipalTag:<key> attributes as STS reads them: one value each, AWS's session tag limits. */
function checkSessionTags(attributes: Record<string, string[]>): void {
  const tags: Record<string, string> = {};
  for (const [name, values] of Object.entries(attributes)) {
    if (!name.startsWith(PRINCIPAL_TAG)) continue;
    const key = name.slice(PRINCIPAL_TAG.length);
    if (values.length !== 1)
      throw refuse(
        `PrincipalTag:${key.slice(0, 128)} must have exactly one value; it has ${values.length}`,
      );
    tags[key] = values[0] ?? "";
  }
  try {
    validateSessionTags(tags);
  } catch (error) {
    if (isAppError(error)) throw refuse(`PrincipalTag attributes: ${error.message}`);
    throw error;
  }
  const keys = new Set(Object.keys(tags).map((k) => k.toLowerCase()));
  for (const key of attributes[TRANSITIVE_TAG_KEYS] ?? []) {
    if (!keys.has(key.toLowerCase()))
      throw refuse(
        `TransitiveTagKeys names ${JSON.stringify(key.slice(0, 128))}, which is not a PrincipalTag of the assertion`,
      );
  }
}
