/**
 * The settings of account and role discovery (docs/DISCOVERY.md), checked as a whole: discovery is
 * off unless GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN names the role to read AWS Organizations
 * with, and neither role may be one of the administrator roles AWS creates in every account.
 */
import { z } from "zod";
import { parseRoleArn, ROLE_NAME_PATTERN } from "@/lib/aws/partitions";

/** Roles with administrator rights that AWS Organizations or Control Tower create: never for reading. */
export const ADMIN_ROLE_NAMES: readonly string[] = [
  "OrganizationAccountAccessRole",
  "AWSControlTowerExecution",
  "AWSCloudFormationStackSetExecutionRole",
];

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

function isAdminRoleName(name: string): boolean {
  return (
    ADMIN_ROLE_NAMES.some((admin) => admin.toLowerCase() === name.toLowerCase()) ||
    /^AWSReservedSSO_AdministratorAccess/i.test(name)
  );
}

export const discoverySettingsSchema = {
  /** The read-only role (in the management or a delegated-administrator account) for Organizations. */
  GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      const parsed = parseRoleArn(v);
      if (!parsed) {
        ctx.addIssue({
          code: "custom",
          message: `must be an IAM role ARN, arn:<partition>:iam::<12 digits>:role/<name>, got "${v}"`,
        });
        return z.NEVER;
      }
      if (isAdminRoleName(parsed.name)) {
        ctx.addIssue({
          code: "custom",
          message: `names ${parsed.name}, an administrator role: give discovery a read-only role (README "Discovering accounts")`,
        });
        return z.NEVER;
      }
      return v;
    }),
  /** The read-only role discovery assumes in every account to list its roles. */
  GATEHOUSE_DISCOVERY_ROLE_NAME: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const name = v === undefined || v === "" ? "GatehouseDiscovery" : v;
      if (!ROLE_NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: "custom", message: `must be an IAM role name, got "${name}"` });
        return z.NEVER;
      }
      if (isAdminRoleName(name)) {
        ctx.addIssue({
          code: "custom",
          message: `is ${name}, an administrator role: give discovery a read-only role (README "Discovering accounts")`,
        });
        return z.NEVER;
      }
      return name;
    }),
  /** The account tag whose value becomes the environment label; default `environment`. */
  GATEHOUSE_DISCOVERY_ENVIRONMENT_TAG: tagKey("environment"),
  /** The account tag whose value becomes the account's name, instead of its Organizations name. */
  GATEHOUSE_DISCOVERY_NAME_TAG: tagKey(undefined),
  /** `OU name=label` pairs: the nearest OU in an account's path with a label gives its environment. */
  GATEHOUSE_DISCOVERY_OU_ENVIRONMENTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const map = new Map<string, string>();
      if (v === undefined || v.trim() === "") return map;
      for (const entry of v.split(",")) {
        const [ou, label, ...rest] = entry.split("=").map((p) => p.trim());
        if (!ou || !label || rest.length > 0 || !/^[a-z0-9][a-z0-9-]{0,23}$/.test(label)) {
          ctx.addIssue({
            code: "custom",
            message: `entries are "OU name=environment label" (label: up to 24 lowercase letters, digits, hyphens), got "${entry.trim()}"`,
          });
          return z.NEVER;
        }
        map.set(ou.toLowerCase(), label);
      }
      return map;
    }),
};

function tagKey(fallback: string | undefined) {
  return z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const key = v === undefined || v === "" ? fallback : v;
      if (key !== undefined && !TAG_KEY.test(key)) {
        ctx.addIssue({ code: "custom", message: `must be an AWS tag key, got "${key}"` });
        return z.NEVER;
      }
      return key;
    });
}

/** The partition named by an IAM role ARN. */
export function partitionOfRoleArn(arn: string): string | undefined {
  return parseRoleArn(arn)?.partition;
}
