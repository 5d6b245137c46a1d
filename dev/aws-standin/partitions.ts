/**
 * The stand-in's own knowledge of AWS partitions, regions and STS host names. It models AWS, so it
 * does not borrow the portal's idea of these (lib/): a disagreement between the two is exactly
 * what the tests should surface.
 */

/** The partitions the stand-in models: commercial, GovCloud (US) and China. */
export type StandinPartition = "aws" | "aws-us-gov" | "aws-cn";
export const PARTITIONS: readonly StandinPartition[] = ["aws", "aws-us-gov", "aws-cn"];

const DIRECTION = "(?:central|north|south|east|west|northeast|northwest|southeast|southwest)";

/** A region code of one of the three partitions, e.g. `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION = new RegExp(
  `^(?:(?:us|eu|ap|sa|ca|me|af|il|mx)-${DIRECTION}|us-gov-${DIRECTION}|cn-${DIRECTION})-[1-9]\\d?$`,
);

/** The partition AWS files a region under: `us-gov-*` GovCloud, `cn-*` China, else commercial. */
export function partitionOfRegion(region: string): StandinPartition {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

export function isPartition(value: unknown): value is StandinPartition {
  return typeof value === "string" && (PARTITIONS as readonly string[]).includes(value);
}

/** DNS suffixes of STS hosts, regular and dual-stack, by the partition that serves them. */
const HOST_SUFFIXES: ReadonlyArray<{ suffix: string; partitions: readonly StandinPartition[] }> = [
  { suffix: "amazonaws.com", partitions: ["aws", "aws-us-gov"] },
  { suffix: "api.aws", partitions: ["aws", "aws-us-gov"] },
  { suffix: "amazonaws.com.cn", partitions: ["aws-cn"] },
  { suffix: "api.amazonwebservices.com.cn", partitions: ["aws-cn"] },
];
const VPCE_SUFFIXES: ReadonlyArray<{ suffix: string; partitions: readonly StandinPartition[] }> = [
  { suffix: "vpce.amazonaws.com", partitions: ["aws", "aws-us-gov"] },
  { suffix: "vpce.amazonaws.com.cn", partitions: ["aws-cn"] },
];

/**
 * The region a Host header pins a request to, as AWS reads its own host names: the global
 * `sts.amazonaws.com` (us-east-1); `sts.<region>.<suffix>` and `sts-fips.<region>.<suffix>` over
 * the regular and dual-stack suffixes; VPC interface endpoint names `….sts.<region>.vpce.…`.
 * Undefined for any other host (a local listener, a proxy) and for a region written under another
 * partition's suffix (`sts.cn-north-1.amazonaws.com` is no AWS host).
 */
export function regionOfAwsHost(host: string): string | undefined {
  const name = host.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
  if (name === "sts.amazonaws.com") return "us-east-1";
  for (const { suffix, partitions } of HOST_SUFFIXES) {
    const region = new RegExp(`^sts(?:-fips)?\\.([a-z0-9-]+)\\.${escapeDots(suffix)}$`).exec(
      name,
    )?.[1];
    if (region !== undefined) return inPartition(region, partitions);
  }
  for (const { suffix, partitions } of VPCE_SUFFIXES) {
    const region = new RegExp(`\\.sts(?:-fips)?\\.([a-z0-9-]+)\\.${escapeDots(suffix)}$`).exec(
      name,
    )?.[1];
    if (region !== undefined) return inPartition(region, partitions);
  }
  return undefined;
}

function inPartition(region: string, partitions: readonly StandinPartition[]): string | undefined {
  return REGION.test(region) && partitions.includes(partitionOfRegion(region)) ? region : undefined;
}

function escapeDots(suffix: string): string {
  return suffix.replace(/\./g, "\\.");
}

/** Where a partition's SAML sign-in endpoint lives and which audiences its assertions carry. */
interface SamlSignin {
  /** Recipient: the global endpoint or `https://<region>.<host>/saml`. */
  host: string;
  audiences: readonly string[];
}

/**
 * Each partition's AWS SAML endpoint. The commercial values are documented; GovCloud's
 * `urn:amazon:webservices:govcloud` is in the GovCloud user guide; China's audience is accepted in
 * both forms seen in the wild (docs/AWS-STANDIN.md).
 */
export const SAML_SIGNIN: Readonly<Record<StandinPartition, SamlSignin>> = {
  aws: {
    host: "signin.aws.amazon.com",
    audiences: ["urn:amazon:webservices", "https://signin.aws.amazon.com/saml"],
  },
  "aws-us-gov": {
    host: "signin.amazonaws-us-gov.com",
    audiences: ["urn:amazon:webservices:govcloud", "https://signin.amazonaws-us-gov.com/saml"],
  },
  "aws-cn": {
    host: "signin.amazonaws.cn",
    audiences: ["urn:amazon:webservices:cn", "https://signin.amazonaws.cn/saml"],
  },
};

/** Whether `url` is the partition's global or a regional SAML sign-in endpoint. */
export function isSamlRecipientOf(partition: StandinPartition, url: string): boolean {
  const host = escapeDots(SAML_SIGNIN[partition].host);
  const match = new RegExp(`^https://(?:([a-z0-9-]+)\\.)?${host}/saml$`).exec(url);
  return match !== null && (match[1] === undefined || REGION.test(match[1]));
}

// ---------------------------------------------------------------------------------------------
// ARNs, with the partition they name

const PARTITION_GROUP = "(aws|aws-us-gov|aws-cn)";
const IAM_NAME = "[\\w+=,.@-]{1,64}";
const IAM_PATH = "(?:[\\w+=,.@-]+\\/)*";

export interface ArnParts {
  partition: StandinPartition;
  account: string;
  /** The resource's name (for a user or role: without its path). */
  name: string;
}

function parser(pattern: RegExp): (arn: string) => ArnParts | undefined {
  return (arn) => {
    const m = pattern.exec(arn);
    if (!m?.[1] || !m[2] || m[3] === undefined) return undefined;
    return { partition: m[1] as StandinPartition, account: m[2], name: m[3] };
  };
}

/** `arn:<p>:iam::<account>:user/<path/>name` */
export const parseUserArn = parser(
  new RegExp(`^arn:${PARTITION_GROUP}:iam::(\\d{12}):user\\/${IAM_PATH}(${IAM_NAME})$`),
);
/** `arn:<p>:iam::<account>:mfa/<name>` (a virtual MFA device) */
export const parseMfaSerialArn = parser(
  new RegExp(`^arn:${PARTITION_GROUP}:iam::(\\d{12}):mfa\\/([\\w+=,.@-]{1,128})$`),
);
/** `arn:<p>:iam::<account>:saml-provider/<name>`; IAM allows `[\w._-]{1,128}` for the name. */
export const parseSamlProviderArn = parser(
  new RegExp(`^arn:${PARTITION_GROUP}:iam::(\\d{12}):saml-provider\\/([\\w.-]{1,128})$`),
);

/** Groups: partition, account, path, name. */
export const ROLE_ARN = new RegExp(
  `^arn:${PARTITION_GROUP}:iam::(\\d{12}):role\\/(${IAM_PATH})(${IAM_NAME})$`,
);

/** A role ARN's parts, with its path (`""` at the root, else `a/b/`). */
export function parseRoleArn(arn: string): (ArnParts & { path: string }) | undefined {
  const m = ROLE_ARN.exec(arn);
  if (!m?.[1] || !m[2] || m[4] === undefined) return undefined;
  return { partition: m[1] as StandinPartition, account: m[2], path: m[3] ?? "", name: m[4] };
}

/** The partition field of any ARN, or undefined when it names none of the three. */
export function partitionOfArn(arn: string): StandinPartition | undefined {
  const field = arn.split(":")[1];
  return isPartition(field) ? field : undefined;
}
