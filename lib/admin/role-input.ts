import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  MAX_ROLE_MAX_SESSION_SECONDS,
  MIN_ROLE_MAX_SESSION_SECONDS,
  parseRoleArn,
  parseSamlProviderArn,
  PARTITION_FACTS,
  roleArnFor,
  type AwsPartition,
} from "@/lib/aws/partitions";
import { description, parseAllFields, type FieldErrors } from "./admin-result";

/**
 * The admin editor's input rules for a role of an account: its name and ARN, how it is assumed
 * (with its SAML provider or ExternalId), and how an ExternalId appears in the audit log.
 */

export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export const roleInputBase = z.object({
  name: z
    .string()
    .trim()
    .regex(
      ROLE_NAME_PATTERN,
      "An IAM role name: 1–64 letters, digits and + = , . @ _ - (no spaces or slashes).",
    ),
  /** Empty: built from the account id and the name. */
  arn: z.string().trim().max(2048, "That is far too long for a role ARN."),
  description,
  maxSessionDurationSeconds: z.coerce
    .number({ message: "Enter a number of seconds." })
    .int("Enter a whole number of seconds.")
    .min(MIN_ROLE_MAX_SESSION_SECONDS, "IAM allows 3600 (1 hour) to 43200 (12 hours).")
    .max(MAX_ROLE_MAX_SESSION_SECONDS, "IAM allows 3600 (1 hour) to 43200 (12 hours)."),
  assumeMethod: z.enum(["assume-role", "assume-role-with-saml"], {
    message: "Choose how the role is assumed.",
  }),
  samlProviderArn: z.string().trim().max(2048),
  externalId: z.string().trim().max(1224, "An ExternalId is at most 1224 characters."),
  requiresBrokerMfa: z.boolean(),
});
/**
 * A role's details as an admin edits them and discovery reads them from IAM, named as the Role
 * model names them, in the order the form posts them and discovery inserts them.
 */
export const ROLE_DETAIL_FIELDS = [
  "name",
  "arn",
  "description",
  "maxSessionDurationSeconds",
  "assumeMethod",
  "samlProviderArn",
] as const;

/** A role as a form submits it: the choice of method is the string posted, checked by parseRole. */
export type RoleInput = Omit<z.input<typeof roleInputBase>, "assumeMethod"> & {
  assumeMethod: string;
};

/** Neutral stand-ins for invalid role fields while the others are checked (parseAllFields). */
const ROLE_FALLBACKS: z.input<typeof roleInputBase> = {
  name: "placeholder",
  arn: "",
  description: "",
  maxSessionDurationSeconds: 3600,
  assumeMethod: "assume-role",
  samlProviderArn: "",
  externalId: "",
  requiresBrokerMfa: false,
};

export interface RoleValues {
  name: string;
  arn: string;
  description: string;
  maxSessionDurationSeconds: number;
  assumeMethod: "assume-role" | "assume-role-with-saml";
  samlProviderArn: string | null;
  externalId: string | null;
  requiresBrokerMfa: boolean;
}

/** The role ARN a name gets in an account of the broker's partition when none is pasted. */
export function defaultRoleArn(accountId: string, name: string, partition: AwsPartition): string {
  return roleArnFor(partition, accountId, name);
}

/**
 * A broker's credentials work in one partition (docs/AWS.md "Partitions"): a role or SAML provider
 * of another can never be assumed by this portal, so it is refused when it is entered.
 */
function otherPartitionMessage(kind: string, arnPartition: AwsPartition, broker: AwsPartition) {
  return `This ${kind} is in ${PARTITION_FACTS[arnPartition].name}, but this portal's broker works in ${PARTITION_FACTS[broker].name} (AWS_REGION): it could never be assumed from here. Run a Gatehouse of its own for that partition.`;
}

/**
 * Validates a role for the account with this 12-digit id: a pasted ARN must name that account and
 * the same role name; a SAML provider must be in the same account; ExternalId and broker MFA only
 * mean something when the broker assumes the role.
 */
export function parseRole(
  raw: RoleInput,
  accountId: string,
  partition: AwsPartition,
): { ok: true; values: RoleValues } | { ok: false; errors: FieldErrors } {
  const parsed = parseAllFields(roleInputBase, raw, ROLE_FALLBACKS);
  if (!("input" in parsed)) return { ok: false, errors: parsed.errors };
  const { input, invalid } = parsed;
  const errors: FieldErrors = {};
  let arn = defaultRoleArn(accountId, input.name, partition);
  if (input.arn !== "" && !invalid.has("arn")) {
    const match = parseRoleArn(input.arn);
    if (!match)
      errors.arn = `Not a role ARN: expected ${roleArnFor(partition, accountId, "<name>")}, or role/<path>/<name>.`;
    else if (match.partition !== partition)
      errors.arn = otherPartitionMessage("role", match.partition, partition);
    else if (match.accountId !== accountId)
      errors.arn = `This ARN is in account ${match.accountId}, not in this account (${accountId}).`;
    else if (match.name !== input.name && !invalid.has("name"))
      errors.arn = `This ARN names the role ${match.name}, but the name field says ${input.name}.`;
    else arn = input.arn;
  }
  const isSaml = input.assumeMethod === "assume-role-with-saml";
  let samlProviderArn: string | null = null;
  if (invalid.has("assumeMethod") || invalid.has("samlProviderArn")) {
    // Reported by the field's own check; whether a provider belongs here depends on both.
  } else if (isSaml) {
    const match = parseSamlProviderArn(input.samlProviderArn);
    if (input.samlProviderArn === "")
      errors.samlProviderArn =
        "A role assumed with SAML needs the IAM SAML provider its trust policy names.";
    else if (!match)
      errors.samlProviderArn = `Expected arn:${partition}:iam::${accountId}:saml-provider/<name> (letters, digits, . _ -).`;
    else if (match.partition !== partition)
      errors.samlProviderArn = otherPartitionMessage("SAML provider", match.partition, partition);
    else if (match.accountId !== accountId)
      errors.samlProviderArn = `The SAML provider must be in this account (${accountId}), not ${match.accountId}.`;
    else samlProviderArn = input.samlProviderArn;
  } else if (input.samlProviderArn !== "") {
    errors.samlProviderArn = "Only roles assumed with SAML use a SAML provider: clear this field.";
  }
  if (input.externalId !== "" && !invalid.has("assumeMethod")) {
    if (isSaml)
      errors.externalId = "AssumeRoleWithSAML takes no ExternalId: clear it, or use the broker.";
    else if (!EXTERNAL_ID.test(input.externalId))
      errors.externalId = "2–1224 characters of letters, digits and + = , . @ : / - _ (no spaces).";
  }
  if (isSaml && input.requiresBrokerMfa)
    errors.requiresBrokerMfa = "Broker MFA applies only to roles the broker assumes.";
  Object.assign(errors, parsed.errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      name: input.name,
      arn,
      description: input.description,
      maxSessionDurationSeconds: input.maxSessionDurationSeconds,
      assumeMethod: input.assumeMethod,
      samlProviderArn,
      externalId: input.externalId === "" ? null : input.externalId,
      requiresBrokerMfa: input.requiresBrokerMfa,
    },
  };
}

/**
 * How an ExternalId appears in the audit log: a short fingerprint, so a change is visible without
 * copying the value itself around (AWS calls it no secret, but it guards against confused deputies).
 */
export function externalIdFingerprint(externalId: string | null): string | null {
  return externalId === null
    ? null
    : `sha256:${createHash("sha256").update(externalId).digest("hex").slice(0, 12)}`;
}
