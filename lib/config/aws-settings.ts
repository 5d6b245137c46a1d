import { partitionOf, PARTITION_FACTS } from "@/lib/aws/partitions";
import { AWS_REGIONS } from "@/lib/aws/regions";
import { ConfigError } from "./config-error";
import { federationEndpointProblem } from "./federation-endpoint-setting";
import { isLoopbackUrl } from "./loopback";
import type { Settings } from "./schema";
import { resolveStsEndpoints } from "./sts-endpoint-settings";

/**
 * The AWS side of the configuration, checked as a whole: every STS endpoint signed for its own
 * region and in the broker's partition, the default region in it too, and the partition's own
 * federation endpoint and SAML values unless overridden (docs/AWS.md).
 * @throws ConfigError naming each setting and entry that does not fit
 */
export function awsSettings(s: Settings) {
  const partition = partitionOf(s.AWS_REGION);
  const facts = PARTITION_FACTS[partition];
  const fips = s.GATEHOUSE_STS_FIPS ?? s.AWS_USE_FIPS_ENDPOINT;
  const dualStack = s.GATEHOUSE_STS_DUALSTACK ?? s.AWS_USE_DUALSTACK_ENDPOINT;
  const setting = s.GATEHOUSE_STS_ENDPOINTS
    ? "GATEHOUSE_STS_ENDPOINTS"
    : s.GATEHOUSE_STS_ENDPOINT
      ? "GATEHOUSE_STS_ENDPOINT"
      : "AWS_REGION";
  const entries = s.GATEHOUSE_STS_ENDPOINTS ?? [s.GATEHOUSE_STS_ENDPOINT ?? s.AWS_REGION];
  const problems: string[] = [];
  const resolved = resolveStsEndpoints(entries, { fips, dualStack, brokerPartition: partition });
  if (!resolved.ok) {
    const why =
      fips && setting === "AWS_REGION" ? " (GATEHOUSE_STS_FIPS / AWS_USE_FIPS_ENDPOINT is on)" : "";
    problems.push(...resolved.problems.map((p) => `${setting} ${p}${why}`));
  }
  // STS answers with credentials: in production they travel only over TLS, unless to a stand-in
  // on this machine (the demo, the test stacks). The federation endpoint is one of AWS's sign-in
  // hosts of the partition (https only) or such a stand-in, in every environment.
  if (s.NODE_ENV === "production") {
    const inClear = (url: string) => url.startsWith("http://") && !isLoopbackUrl(url);
    for (const endpoint of resolved.ok ? resolved.endpoints : [])
      if (inClear(endpoint.url))
        problems.push(
          `${setting} entry "${endpoint.entry}" must use https:// except on localhost: the credentials STS returns would cross the network in clear text`,
        );
  }
  if (s.GATEHOUSE_FEDERATION_ENDPOINT !== undefined) {
    const problem = federationEndpointProblem(s.GATEHOUSE_FEDERATION_ENDPOINT, s.AWS_REGION);
    if (problem !== undefined) problems.push(problem);
  }
  const defaultRegion = s.GATEHOUSE_DEFAULT_REGION ?? s.AWS_REGION;
  if (partitionOf(defaultRegion) !== partition)
    problems.push(
      `GATEHOUSE_DEFAULT_REGION ${defaultRegion} is not in the broker's partition (${facts.name}, from AWS_REGION ${s.AWS_REGION})`,
    );
  const mfaSerialProblem = mfaSerialProblemOf(s.GATEHOUSE_BROKER_MFA_SERIAL, partition);
  if (mfaSerialProblem) problems.push(mfaSerialProblem);
  if (problems.length > 0) throw new ConfigError(problems);
  const regional =
    partition === "aws"
      ? AWS_REGIONS.map((r) => `https://${r.code}.signin.aws.amazon.com/saml`)
      : [];
  return {
    partition,
    fips,
    dualStack,
    defaultRegion,
    stsEndpoints: resolved.ok ? resolved.endpoints : [],
    federationEndpoint: s.GATEHOUSE_FEDERATION_ENDPOINT ?? facts.federationEndpoint,
    saml: {
      audience: s.GATEHOUSE_AWS_SAML_AUDIENCE ?? facts.samlAudience,
      recipients: s.GATEHOUSE_AWS_SAML_RECIPIENTS ?? [facts.samlRecipient, ...regional],
    },
  };
}

/**
 * What AWS would refuse about the broker's MFA device on every unlock, checked at boot: STS takes a
 * SerialNumber of at most 256 characters, and the broker's IAM user (whose device it is) lives in
 * the broker's partition. AWS answers either with the same "invalid MFA one time pass code" as a
 * mistyped code, so the admin would only ever see their codes refused.
 */
function mfaSerialProblemOf(serial: string | undefined, partition: string): string | undefined {
  if (serial === undefined) return undefined;
  if (serial.length > 256)
    return `GATEHOUSE_BROKER_MFA_SERIAL is ${serial.length} characters; AWS accepts at most 256`;
  const arnPartition = /^arn:([^:]+):/.exec(serial)?.[1];
  if (arnPartition !== undefined && arnPartition !== partition)
    return `GATEHOUSE_BROKER_MFA_SERIAL is a device in partition ${arnPartition}, the broker is in ${partition} (from AWS_REGION)`;
  return undefined;
}
