import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LATEST_MIGRATION } from "@/lib/db/schema-version";

const newest = (dir: string) =>
  fs
    .readdirSync(path.join(import.meta.dirname, "..", "..", dir))
    .filter((d) => /^\d{14}_/.test(d))
    .sort()
    .at(-1);

describe("the schema version the code requires", () => {
  it.each(["prisma/migrations", "prisma/postgresql/migrations"])(
    "is the newest migration in %s (npm run db:migration keeps them in step)",
    (dir) => {
      expect(LATEST_MIGRATION).toBe(newest(dir));
    },
  );
});
