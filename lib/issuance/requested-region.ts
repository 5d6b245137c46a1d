import "server-only";
import { isAwsRegion, PARTITION_FACTS, partitionOf } from "@/lib/aws/partitions";
import { isListedRegion } from "@/lib/aws/regions";
import { AppError } from "@/lib/errors";
import type { IssuanceOutput } from "./issuance-request";

/**
 * What a region that names no AWS region would break, said in the refusal: the console lives on a
 * host named for the region, and the AWS tools build every endpoint from the region the CLI
 * credentials export (AWS_REGION, the credentials file's `region`).
 */
const CONSEQUENCE: Record<IssuanceOutput, string> = {
  console: "so there is no console to open there",
  cli: "so the AWS tools would find no endpoint there",
};

/**
 * Refuses a region code that fits the pattern but names no region of its partition (`eu-west-9`),
 * before anything is assumed: the credentials or the sign-in token would be spent on a region no
 * AWS endpoint answers for.
 * @throws AppError("validation_error") naming the region and its partition
 */
export function checkRequestedRegion(region: string, output: IssuanceOutput): void {
  if (!isAwsRegion(region) || isListedRegion(region)) return;
  const partition = PARTITION_FACTS[partitionOf(region)].name;
  const message = `${region} is not a region of ${partition}, ${CONSEQUENCE[output]}; choose a region from the region list`;
  throw new AppError("validation_error", `Region ${message}.`, {
    issues: [{ path: "region", message }],
  });
}
