import fs from "node:fs";

/**
 * The test run's list of secrets it saw issued, for the check that none reached a portal's log
 * (tests/run.ts, docs/OPERATIONS.md "Logs"). When GATEHOUSE_TEST_SECRET_LEDGER names a file, the
 * AWS stand-in appends every secret key, session token and sign-in token it mints, and the test
 * helpers every CLI token and portal session cookie they receive. Otherwise it does nothing.
 */
export function recordIssuedSecret(kind: string, value: string): void {
  const file = process.env.GATEHOUSE_TEST_SECRET_LEDGER;
  if (file && value) fs.appendFileSync(file, `${kind}\t${value}\n`);
}
