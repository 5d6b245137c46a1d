// The `gatehouse` executable (package.json "bin" → cli/dist/gatehouse.mjs, built from this file
// by dev/build-cli.mjs).
import { fileURLToPath } from "node:url";

import { EXIT } from "./exit-codes";
import { processContext, runCli } from "./main";

// A closed pipe (`gatehouse ls | head -1`) is a normal end, not a crash. Any other write error
// (a full disk, /dev/full) means the result was lost: the caller must not take it for success.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(EXIT.ok);
  process.stderr.write(`gatehouse: cannot write to stdout: ${err.code ?? err.message}\n`, () =>
    process.exit(EXIT.unexpected),
  );
});

const code = await runCli(process.argv.slice(2), processContext(fileURLToPath(import.meta.url)));
// Exit once stdout is flushed: an idle keep-alive socket or timer must not hold the
// credential_process caller up, and piped output must not be cut short.
process.stdout.write("", (err) => {
  // A failed write has its own report in the error handler above, which exits.
  if (!err) process.exit(code);
});
