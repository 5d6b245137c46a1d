/**
 * Everything Gatehouse knows about AWS partitions, regions, ARNs and STS limits, in one place
 * (docs/AWS.md): configuration, admin validation, SAML attribute parsing, audit queries and issuance
 * all ask this module, so a value one of them accepts is never refused by another.
 *
 * Pure data and pure functions: no SDK, no I/O, and client-safe (no `server-only`): the region and
 * duration pickers in the browser use it too.
 */

/**
 * The partitions Gatehouse can federate into: commercial `aws`, GovCloud `aws-us-gov`, China
 * `aws-cn`. The isolated partitions (`us-iso-*`, `us-isob-*`, `eu-isoe-*`, `us-isof-*`) and the
 * European Sovereign Cloud (`eusc-*`) have sign-in and console hosts this portal does not know, so
 * their region codes and ARNs are refused rather than sent to the wrong place.
 */
export type AwsPartition = "aws" | "aws-us-gov" | "aws-cn";
export const AWS_PARTITIONS: readonly AwsPartition[] = ["aws", "aws-us-gov", "aws-cn"];

export interface PartitionFacts {
  /** Human name, for messages. */
  name: string;
  /** Regular service host suffix: `sts.<region>.<dnsSuffix>`. */
  dnsSuffix: string;
  /** Dual-stack (IPv4 + IPv6) service host suffix. */
  dualStackDnsSuffix: string;
  /** The console federation endpoint (getSigninToken, login). */
  federationEndpoint: string;
  /** The console host; commercial regions also have `<region>.console.aws.amazon.com`. */
  consoleHost: string;
  /** The AWS SAML endpoint an AWS-targeted assertion names as Recipient/Destination. */
  samlRecipient: string;
  /** The audience of an AWS-targeted SAML assertion. */
  samlAudience: string;
}

export const PARTITION_FACTS: Readonly<Record<AwsPartition, PartitionFacts>> = {
  aws: {
    name: "AWS (commercial)",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    federationEndpoint: "https://signin.aws.amazon.com/federation",
    consoleHost: "console.aws.amazon.com",
    samlRecipient: "https://signin.aws.amazon.com/saml",
    samlAudience: "urn:amazon:webservices",
  },
  "aws-us-gov": {
    name: "AWS GovCloud (US)",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    federationEndpoint: "https://signin.amazonaws-us-gov.com/federation",
    consoleHost: "console.amazonaws-us-gov.com",
    samlRecipient: "https://signin.amazonaws-us-gov.com/saml",
    samlAudience: "urn:amazon:webservices:govcloud",
  },
  "aws-cn": {
    name: "AWS China",
    dnsSuffix: "amazonaws.com.cn",
    dualStackDnsSuffix: "api.amazonwebservices.com.cn",
    federationEndpoint: "https://signin.amazonaws.cn/federation",
    consoleHost: "console.amazonaws.cn",
    samlRecipient: "https://signin.amazonaws.cn/saml",
    samlAudience: "urn:amazon:webservices:cn",
  },
};

// ---------------------------------------------------------------------------------------------
// Regions

const DIRECTION = "(?:central|north|south|east|west|northeast|northwest|southeast|southwest)";
const NUMBER = "[1-9][0-9]?";

/**
 * A region code of the aws, aws-us-gov or aws-cn partition, e.g. `eu-west-1`, `ap-southeast-7`,
 * `mx-central-1`, `us-gov-west-1`, `cn-north-1`. Stricter than the SDK's partition regexes (`\w+`):
 * the middle part must be a compass direction and the number has no leading zero (`eu-west-01` is
 * refused), so the value is also safe to place in a hostname, a URL, a shell line or an INI file.
 */
export const AWS_REGION_PATTERN = new RegExp(
  `^(?:(?:us|eu|ap|sa|ca|me|af|il|mx)-${DIRECTION}|us-gov-${DIRECTION}|cn-${DIRECTION})-${NUMBER}$`,
);

/** What a refused region code is told, everywhere. */
export const AWS_REGION_HINT =
  "must be an AWS region code like us-east-1, us-gov-west-1 or cn-north-1";

export function isAwsRegion(value: unknown): value is string {
  return typeof value === "string" && AWS_REGION_PATTERN.test(value);
}

/**
 * The partition a region belongs to.
 * @throws RangeError if `region` does not match {@link AWS_REGION_PATTERN}.
 */
export function partitionOf(region: string): AwsPartition {
  if (!isAwsRegion(region)) throw new RangeError("not an AWS region code of a supported partition");
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

// ---------------------------------------------------------------------------------------------
// ARNs

const PARTITION_GROUP = "(aws|aws-us-gov|aws-cn)";
/** IAM path segments and names: the characters IAM allows. */
const IAM_NAME = "[\\w+=,.@-]{1,64}";
const IAM_PATH = "(?:[\\w+=,.@-]{1,512}\\/){0,32}";

/** An IAM role (or user) name. */
export const ROLE_NAME_PATTERN = new RegExp(`^${IAM_NAME}$`);
/** An IAM path: `/`, or `/a/b/`. */
export const ROLE_PATH_PATTERN = new RegExp(`^\\/${IAM_PATH}$`);
/** `arn:<partition>:iam::<account>:role/<path/>name` — groups: partition, account, path, name. */
export const ROLE_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_GROUP}:iam::(\\d{12}):role\\/(${IAM_PATH})(${IAM_NAME})$`,
);
/** `arn:<partition>:iam::<account>:saml-provider/<name>` — groups: partition, account, name. */
export const SAML_PROVIDER_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_GROUP}:iam::(\\d{12}):saml-provider\\/([\\w.-]{1,128})$`,
);
/** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`: credentials of a role. */
export const ASSUMED_ROLE_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_GROUP}:sts::(\\d{12}):assumed-role\\/(${IAM_NAME})\\/([\\w+=,.@-]{2,64})$`,
);
/** A virtual MFA device ARN, or a hardware token's serial number. */
export const MFA_SERIAL_PATTERN = new RegExp(
  `^(arn:${PARTITION_GROUP}:iam::\\d{12}:mfa\\/[\\w+=,.@/-]{1,256}|[A-Z0-9]{9,256})$`,
);

export interface ParsedRoleArn {
  partition: AwsPartition;
  accountId: string;
  /** `/` or `/team/` */
  path: string;
  name: string;
}

/** The parts of a role ARN, or null when it is not one of a supported partition. */
export function parseRoleArn(arn: string): ParsedRoleArn | null {
  const m = ROLE_ARN_PATTERN.exec(arn);
  if (!m) return null;
  return {
    partition: m[1] as AwsPartition,
    accountId: m[2]!,
    path: `/${m[3] ?? ""}`,
    name: m[4]!,
  };
}

export function parseSamlProviderArn(
  arn: string,
): { partition: AwsPartition; accountId: string; name: string } | null {
  const m = SAML_PROVIDER_ARN_PATTERN.exec(arn);
  return m ? { partition: m[1] as AwsPartition, accountId: m[2]!, name: m[3]! } : null;
}

/** The role ARN of a role named `name` (path `/`) in an account of a partition. */
export function roleArnFor(partition: AwsPartition, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:role/${name}`;
}

/** The partition an ARN names (its second field), or null when it is none of ours. */
export function partitionOfArn(arn: string): AwsPartition | null {
  const field = arn.split(":")[1];
  return AWS_PARTITIONS.find((p) => p === field) ?? null;
}

// ---------------------------------------------------------------------------------------------
// STS limits

/** The shortest session STS issues (DurationSeconds, SessionDuration). */
export const MIN_SESSION_SECONDS = 900;
/** The longest session STS issues for a role (MaxSessionDuration, SessionDuration). */
export const MAX_SESSION_SECONDS = 43_200;
/** AWS caps every AssumeRole made with role credentials ("role chaining") at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
/** IAM's range for a role's MaxSessionDuration. */
export const MIN_ROLE_MAX_SESSION_SECONDS = 3600;
export const MAX_ROLE_MAX_SESSION_SECONDS = 43_200;
/** GetSessionToken: 15 minutes to 36 hours for an IAM user. */
export const MIN_GET_SESSION_TOKEN_SECONDS = 900;
export const MAX_GET_SESSION_TOKEN_SECONDS = 129_600;

// ---------------------------------------------------------------------------------------------
// STS endpoints

/** Regions with a FIPS 140 STS endpoint (commercial: `sts-fips.<region>`; GovCloud: all). */
const FIPS_STS_REGIONS = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "us-gov-east-1",
  "us-gov-west-1",
]);

export interface StsHostOptions {
  fips: boolean;
  dualStack: boolean;
}

/**
 * The STS endpoint URL for a region, following the SDK's own endpoint rules: `sts.<region>.<dns>`,
 * `sts-fips.<region>.<dns>` for FIPS (in GovCloud every STS endpoint is FIPS: `sts.<region>`), and
 * the partition's dual-stack suffix for dual-stack.
 * @throws RangeError for a region code that is not one, or FIPS where STS has no FIPS endpoint.
 */
export function stsEndpointFor(region: string, opts: StsHostOptions): string {
  const partition = partitionOf(region);
  const facts = PARTITION_FACTS[partition];
  if (opts.fips && !FIPS_STS_REGIONS.has(region)) {
    throw new RangeError(
      `STS has no FIPS endpoint in ${region} (it has one in ${[...FIPS_STS_REGIONS].join(", ")})`,
    );
  }
  const suffix = opts.dualStack ? facts.dualStackDnsSuffix : facts.dnsSuffix;
  const label = opts.fips && (partition !== "aws-us-gov" || opts.dualStack) ? "sts-fips" : "sts";
  return `https://${label}.${region}.${suffix}`;
}

/**
 * The region an STS URL's host names, as AWS reads it: `sts[-fips].<region>.<suffix>` (regular,
 * dual-stack), a VPC interface endpoint `…sts.<region>.vpce.amazonaws.com`, and the global
 * `sts.amazonaws.com` (us-east-1). Null when the host names no region (a proxy, a local server).
 */
export function regionOfStsHost(host: string): string | null {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (h === "sts.amazonaws.com") return "us-east-1";
  const suffixes = [
    ...new Set(
      AWS_PARTITIONS.flatMap((p) => [
        PARTITION_FACTS[p].dnsSuffix,
        PARTITION_FACTS[p].dualStackDnsSuffix,
      ]),
    ),
  ]
    .map((s) => s.replace(/\./g, "\\."))
    .join("|");
  const regular = new RegExp(`^sts(?:-fips)?\\.([a-z0-9-]+)\\.(?:${suffixes})$`).exec(h);
  const vpce = /\.sts(?:-fips)?\.([a-z0-9-]+)\.vpce\.amazonaws\.com(?:\.cn)?$/.exec(h);
  const region = regular?.[1] ?? vpce?.[1];
  return region !== undefined && isAwsRegion(region) ? region : null;
}
