// .env.example is the operator's reference: every setting the portal reads is in it.
import fs from "node:fs";
import path from "node:path";
import { parse as parseEnv } from "dotenv";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load-config";
import { settingsSchema } from "@/lib/config/schema";

describe(".env.example documents every setting", () => {
  const text = fs.readFileSync(path.join(import.meta.dirname, "../../.env.example"), "utf8");
  const documented = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const settings = Object.keys(settingsSchema.shape).filter((name) => name !== "NODE_ENV");
  it.each(settings)("%s", (name) => {
    expect(documented.has(name), `${name} is read by lib/config/schema.ts`).toBe(true);
  });

  it("and nothing the portal does not read", () => {
    expect([...documented].filter((name) => !settings.includes(name!))).toEqual([]);
  });
});

describe(".env.example works as a .env file", () => {
  const file = path.join(import.meta.dirname, "../../.env.example");
  const text = fs.readFileSync(file, "utf8");
  /** Each assignment as written: the value is everything after the first "=". */
  const written = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(
    ([, name, value]) => [name!, value!] as const,
  );

  // npm start reads a .env file the way Next.js does (docs/OPERATIONS.md "Settings"); so do
  // docker's --env-file and systemd's EnvironmentFile, which take the rest of the line verbatim.
  // Every example value must read the same in all of them: no quotes, no "#" that one of them
  // takes for a comment.
  it("every value reads back as written through the .env parser", () => {
    const parsed = parseEnv(text);
    const differing = written.filter(([name, value]) => (parsed[name] ?? "") !== value);
    expect(differing).toEqual([]);
  });

  it("copied as .env with the three required values filled in, it is a valid configuration", () => {
    const parsed = parseEnv(text);
    const env = {
      ...parsed,
      NEXTAUTH_SECRET: "s".repeat(44),
      OIDC_CLIENT_ID: "gatehouse",
      OIDC_CLIENT_SECRET: "client-secret-value",
    };
    expect(() => loadConfig(env)).not.toThrow();
  });
});
