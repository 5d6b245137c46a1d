// The region lists (lib/aws/regions.ts) name only regions the AWS SDK we ship knows, in the SDK's
// own words and partition: issuance refuses a console region not listed, so an invented code
// would be offered and a real one refused. When the SDK learns a region, this test still passes;
// adding it to the list is then a one-line change the test checks.
import { partition } from "@aws-sdk/core/client";
import { describe, expect, it } from "vitest";
import { regionsOfPartition } from "@/lib/aws/regions";

const PARTITIONS = ["aws", "aws-us-gov", "aws-cn"] as const;
/** The SDK writes names without accents ("Sao Paulo"); the console, and our list, with them. */
const plain = (text: string | undefined) => text?.normalize("NFD").replace(/\p{M}/gu, "");

describe("every listed region is one the AWS SDK knows, in its partition and by its name", () => {
  it.each(PARTITIONS.flatMap((p) => regionsOfPartition(p).map((r) => [p, r.code, r.name])))(
    "%s: %s (%s)",
    (partitionId, code, name) => {
      // The SDK's type leaves out the region's description it returns for a region it lists.
      const known: { name: string; description?: string } = partition(code);
      expect(known.name).toBe(partitionId);
      expect(plain(known.description)).toBe(plain(name));
    },
  );
});
