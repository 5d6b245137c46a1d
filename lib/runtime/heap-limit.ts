/**
 * `npm start` passes GATEHOUSE_MAX_HEAP_MB to node as `--max-old-space-size` (package.json), so
 * its shell reads the variable from the environment, before the server reads any .env file: a
 * value only a .env file sets, or a server started by hand without the flag, runs under another
 * limit than the one configured (docs/OPERATIONS.md "Memory").
 * @returns why the configured limit is not the one in effect, or undefined when it is
 */
export function heapLimitNotApplied(
  execArgv: readonly string[],
  configuredMb: number,
  setExplicitly: boolean,
): string | undefined {
  const flag = execArgv
    .map((arg) => /^--max-old-space-size=(\d+)$/.exec(arg)?.[1])
    .findLast((value) => value !== undefined);
  if (flag === undefined)
    return setExplicitly
      ? `GATEHOUSE_MAX_HEAP_MB=${configuredMb} does not apply: node was started without --max-old-space-size; start the server with npm start, or pass --max-old-space-size=${configuredMb} to node yourself`
      : undefined;
  if (Number(flag) === configuredMb) return undefined;
  return `GATEHOUSE_MAX_HEAP_MB=${configuredMb} does not apply: this process runs under ${flag} MB, because npm start reads GATEHOUSE_MAX_HEAP_MB from the environment before any .env file is read; set it in the environment`;
}
