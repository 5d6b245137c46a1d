import { z } from "zod";
import { AWS_REGION_PATTERN } from "@/lib/aws/regions";

/** Database ids are cuids: lowercase letters and digits. Anything else is malformed, not "not found". */
export const recordId = z.string().regex(/^[a-z0-9]{20,32}$/, "must be a record id");

export const roleParams = z.object({ roleId: recordId });

export const issuanceBody = z
  .object({
    region: z
      .string()
      .regex(AWS_REGION_PATTERN, "must be an AWS region code like eu-west-1")
      .optional(),
  })
  .strict();
