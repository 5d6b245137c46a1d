// The check behind "no secret is ever logged", over a whole `npm test`: every secret the run saw
// issued (dev/secret-ledger.ts: AWS secret keys, session tokens, console sign-in tokens, CLI
// tokens, portal session cookies) is looked for in every portal's output the run kept
// (dev/local-stack.ts). A secret is cut into 20-character alphanumeric chunks, so a leak of any
// 40 or more consecutive alphanumeric characters of it is found, whatever encoding split the rest.
import fs from "node:fs";
import path from "node:path";

const CHUNK = 20;

export interface SecretsInLogsReport {
  secrets: number;
  logFiles: number;
  logBytes: number;
  /** Where a secret showed: its kind and the log file, never the secret. */
  leaks: Array<{ kind: string; file: string }>;
}

export function findSecretsInLogs(ledgerFile: string, logDir: string): SecretsInLogsReport {
  const chunks = new Map<string, string>(); // chunk → kind
  const secrets = new Set<string>();
  const ledger = fs.existsSync(ledgerFile) ? fs.readFileSync(ledgerFile, "utf8") : "";
  for (const line of ledger.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab <= 0) continue;
    const kind = line.slice(0, tab);
    const secret = line.slice(tab + 1);
    secrets.add(secret);
    for (const run of secret.split(/[^A-Za-z0-9]+/))
      for (let i = 0; i + CHUNK <= run.length; i += CHUNK)
        chunks.set(run.slice(i, i + CHUNK), kind);
  }
  const files = fs.existsSync(logDir)
    ? fs.readdirSync(logDir).filter((f) => f.endsWith(".log"))
    : [];
  const leaks: SecretsInLogsReport["leaks"] = [];
  let logBytes = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(logDir, file), "utf8");
    logBytes += text.length;
    const kinds = new Set<string>();
    for (const token of text.split(/[^A-Za-z0-9]+/)) {
      for (let i = 0; i + CHUNK <= token.length; i += 1) {
        const kind = chunks.get(token.slice(i, i + CHUNK));
        if (kind) kinds.add(kind);
      }
    }
    for (const kind of kinds) leaks.push({ kind, file });
  }
  return { secrets: secrets.size, logFiles: files.length, logBytes, leaks };
}
