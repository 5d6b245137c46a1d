// The `gatehouse` executable (package.json "bin" → cli/dist/gatehouse.mjs, built from this file
// by dev/build-cli.mjs).
import { fileURLToPath } from "node:url";

import { processContext, runCli } from "./main";

// A closed pipe (`gatehouse ls | head -1`) is a normal end, not a crash.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
});

const code = await runCli(process.argv.slice(2), processContext(fileURLToPath(import.meta.url)));
// Exit once stdout is flushed: an idle keep-alive socket or timer must not hold the
// credential_process caller up, and piped output must not be cut short.
process.stdout.write("", () => process.exit(code));
