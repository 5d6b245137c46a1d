// .env.example is the operator's reference: every setting the portal reads is in it.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { settingsSchema } from "@/lib/config/schema";

describe(".env.example documents every setting", () => {
  const text = fs.readFileSync(path.join(import.meta.dirname, "../../.env.example"), "utf8");
  const documented = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const settings = Object.keys(settingsSchema.shape).filter((name) => name !== "NODE_ENV");
  it.each(settings)("%s", (name) => {
    expect(documented.has(name), `${name} is read by lib/config/schema.ts`).toBe(true);
  });
});
