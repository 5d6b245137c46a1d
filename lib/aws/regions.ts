import { isAwsRegion, partitionOf, type AwsPartition } from "./partitions";

/**
 * The regions of each partition with their display names, for region pickers. Client-safe. What a
 * region code is and which partition it belongs to is lib/aws/partitions.ts.
 */

/**
 * Commercial (`aws` partition) regions for a region picker, in the order AWS's own console lists them
 * by geography. Names follow the SDK's partition metadata. Opt-in regions are included: whether an
 * account has enabled one is only known to AWS (STS answers `RegionDisabledException`).
 */
export const AWS_REGIONS: ReadonlyArray<{ code: string; name: string }> = Object.freeze(
  [
    { code: "us-east-1", name: "US East (N. Virginia)" },
    { code: "us-east-2", name: "US East (Ohio)" },
    { code: "us-west-1", name: "US West (N. California)" },
    { code: "us-west-2", name: "US West (Oregon)" },
    { code: "af-south-1", name: "Africa (Cape Town)" },
    { code: "ap-east-1", name: "Asia Pacific (Hong Kong)" },
    { code: "ap-east-2", name: "Asia Pacific (Taipei)" },
    { code: "ap-south-1", name: "Asia Pacific (Mumbai)" },
    { code: "ap-south-2", name: "Asia Pacific (Hyderabad)" },
    { code: "ap-southeast-1", name: "Asia Pacific (Singapore)" },
    { code: "ap-southeast-2", name: "Asia Pacific (Sydney)" },
    { code: "ap-southeast-3", name: "Asia Pacific (Jakarta)" },
    { code: "ap-southeast-4", name: "Asia Pacific (Melbourne)" },
    { code: "ap-southeast-5", name: "Asia Pacific (Malaysia)" },
    { code: "ap-southeast-6", name: "Asia Pacific (New Zealand)" },
    { code: "ap-southeast-7", name: "Asia Pacific (Thailand)" },
    { code: "ap-northeast-1", name: "Asia Pacific (Tokyo)" },
    { code: "ap-northeast-2", name: "Asia Pacific (Seoul)" },
    { code: "ap-northeast-3", name: "Asia Pacific (Osaka)" },
    { code: "ca-central-1", name: "Canada (Central)" },
    { code: "ca-west-1", name: "Canada West (Calgary)" },
    { code: "eu-central-1", name: "Europe (Frankfurt)" },
    { code: "eu-central-2", name: "Europe (Zurich)" },
    { code: "eu-west-1", name: "Europe (Ireland)" },
    { code: "eu-west-2", name: "Europe (London)" },
    { code: "eu-west-3", name: "Europe (Paris)" },
    { code: "eu-south-1", name: "Europe (Milan)" },
    { code: "eu-south-2", name: "Europe (Spain)" },
    { code: "eu-north-1", name: "Europe (Stockholm)" },
    { code: "il-central-1", name: "Israel (Tel Aviv)" },
    { code: "me-south-1", name: "Middle East (Bahrain)" },
    { code: "me-central-1", name: "Middle East (UAE)" },
    { code: "me-west-1", name: "Middle East (Saudi Arabia)" },
    { code: "mx-central-1", name: "Mexico (Central)" },
    { code: "sa-east-1", name: "South America (São Paulo)" },
    { code: "sa-west-1", name: "South America (Chile)" },
  ].map((region) => Object.freeze(region)),
);

/** GovCloud (`aws-us-gov` partition) regions. */
const AWS_GOVCLOUD_REGIONS: ReadonlyArray<{ code: string; name: string }> = Object.freeze(
  [
    { code: "us-gov-west-1", name: "AWS GovCloud (US-West)" },
    { code: "us-gov-east-1", name: "AWS GovCloud (US-East)" },
  ].map((region) => Object.freeze(region)),
);

/** China (`aws-cn` partition) regions. */
const AWS_CHINA_REGIONS: ReadonlyArray<{ code: string; name: string }> = Object.freeze(
  [
    { code: "cn-north-1", name: "China (Beijing)" },
    { code: "cn-northwest-1", name: "China (Ningxia)" },
  ].map((region) => Object.freeze(region)),
);

/**
 * The regions a portal serving `partition` offers: a GovCloud or China deployment lists its own
 * regions (a commercial region there would be refused at issuance).
 */
export function regionsOfPartition(
  partition: AwsPartition,
): ReadonlyArray<{ code: string; name: string }> {
  switch (partition) {
    case "aws":
      return AWS_REGIONS;
    case "aws-us-gov":
      return AWS_GOVCLOUD_REGIONS;
    case "aws-cn":
      return AWS_CHINA_REGIONS;
  }
}

/**
 * Whether `code` is one of the regions listed for its partition. A code can fit the region pattern
 * and still name no region (`eu-west-9`): the console has no host for it.
 */
export function isListedRegion(code: string): boolean {
  if (!isAwsRegion(code)) return false;
  return regionsOfPartition(partitionOf(code)).some((region) => region.code === code);
}
