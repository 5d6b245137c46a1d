import { z } from "zod";
import { AWS_REGION_PATTERN } from "@/lib/aws/partitions";
import { recordId } from "@/lib/db/record-id";
import { safeReturnPath } from "@/lib/http/return-path";

export const roleParams = z.object({ roleId: recordId });

export const region = z
  .string({ message: "must be text: an AWS region code like eu-west-1" })
  .regex(AWS_REGION_PATTERN, "must be an AWS region code like eu-west-1")
  .optional();

/**
 * Only the shape is checked here: the allowed range depends on the grant, the role and the broker,
 * so lib/issuance checks it against those and says which one caps it.
 */
export const durationSeconds = z
  .number({ message: "must be a number of seconds" })
  .int("must be a whole number of seconds")
  .optional();

/** Where a step-up re-authentication brings the browser back: a path on this portal, nothing else. */
const returnTo = z
  .string({ message: "must be text" })
  .max(2048, "must be at most 2048 characters")
  .refine((value) => safeReturnPath(value) === value, "must be a path on this portal")
  .optional();

/** The console request: every field optional; unknown fields are refused, not ignored. */
export const consoleIssuanceBody = z
  .object({
    region,
    durationSeconds,
    destination: z
      .string({ message: "must be text" })
      .min(1, "must not be empty")
      .max(2048, "must be at most 2048 characters")
      .optional(),
    returnTo,
  })
  .strict();

/** The CLI credentials request; the profile name's rules are checked in lib/aws. */
export const cliIssuanceBody = z
  .object({
    region,
    durationSeconds,
    profileName: z
      .string({ message: "must be text" })
      .max(256, "must be at most 256 characters")
      .optional(),
    returnTo,
  })
  .strict();

/** Routes without dynamic segments: Next.js passes no params at all. */
export const noParams = z.object({}).optional();
