// Vitest reports a test worker that died only as "Worker exited unexpectedly". This says how it
// ended, when it ended with an exit code (a signal such as SIGKILL leaves no chance to say
// anything, and then nothing is printed: that too tells which it was).
const KEY = Symbol.for("gatehouse.report-worker-exit");
const holder = globalThis as unknown as { [KEY]?: true };

if (!holder[KEY]) {
  holder[KEY] = true;
  process.on("exit", (code) => {
    if (code !== 0)
      process.stderr.write(
        `[test worker ${process.pid}] exiting with code ${code}; heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB\n`,
      );
  });
}
