// What `npm run <script>` runs for an operator command (package.json), to spawn it without npm in
// between: the test then runs exactly the command line the README documents.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "@/dev/local-stack";

type OperatorScript = "doctor" | "discover" | "audit:verify" | "saml:import" | "db:seed";

/** The executable and arguments of `npm run <script> -- <args>`, to spawn from the project root. */
export function operatorCommand(
  script: OperatorScript,
  args: string[],
): { command: string; args: string[] } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [program, ...scriptArgs] = (pkg.scripts[script] ?? "").split(/\s+/);
  if (program !== "node")
    throw new Error(`package.json's "${script}" no longer starts with node: update this helper`);
  return { command: process.execPath, args: [...scriptArgs, ...args] };
}
