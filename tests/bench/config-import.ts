// `npm run bench:config` (GATEHOUSE_TEST_DATABASE=postgresql for PostgreSQL): a generated
// configuration of BENCH_ACCOUNTS accounts × 2 roles × 5 rules (default 5,000 accounts, 10,000
// roles, 50,000 rules) imported over HTTP the way the admin page does it — dry run, then apply in
// one transaction — then exported and the export re-imported as a no-op, then an edit of every
// rule applied, and a file whose last entry is invalid refused. Next to baselines measured in the
// same run: the upload floor (the same request body posted with a mode the route refuses: HTTP,
// session check and reading the JSON body, no import work) and parsing the file in this process
// with the `yaml` package and with JSON.parse. Prints milliseconds and ratios to the upload floor.
// Not a test: numbers.
//
// Measured on the 2-core dev machine (5,701 KiB of YAML; upload floor ~55 ms), before (705f58d:
// createMany, rows updated one by one) and after (multi-row INSERTs, grouped updateMany), in
// seconds; "after" is one run of the code as merged (one YAML reader, the `yaml` package: a fast
// second reader was tried and left out, one parser being worth ~1.5 s per 50,000-rule file):
//                         dry run    apply      export   re-import  edit all, apply  refused
//   SQLite      before    2.3  2.6   13.6 15.0  1.8 2.0  3.6 3.8    32.1 34.7        3.5 3.4
//               after     2.5         4.2       2.1      3.7         4.2              3.0
//   PostgreSQL  before    2.8  2.7   15.2 16.1  2.1 2.2  3.8 4.4    45.9 44.1        3.3 2.8
//               after     2.6         5.2       2.0      3.4         4.6              3.0
// Most of a dry run is reading the YAML with positions (the in-process `yaml` baseline, ~2 s).
import { parse } from "yaml";
import { generatedConfig } from "../support/generated-config";
import { signIn } from "../support/portal-client";
import { startTestStack } from "../support/stack";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS || 5000);

function elapsed<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

async function main() {
  const stack = await startTestStack({ systemClock: true });
  try {
    const alice = await signIn(stack, "alice");
    const text = generatedConfig(ACCOUNTS, 2, 5);
    const rows: Array<[string, number, string]> = [];
    const post = async (phase: string, body: unknown) => {
      const started = performance.now();
      const res = await alice.request("/admin/config/import", { method: "POST", json: body });
      const json = (await res.json()) as {
        diff?: { hash: string; total: number };
        problems?: unknown[];
      };
      const ms = performance.now() - started;
      const note = json.diff
        ? `${res.status}, ${json.diff.total} changes`
        : `${res.status}${json.problems ? `, ${json.problems.length} problem(s)` : ""}`;
      rows.push([phase, ms, note]);
      return json;
    };

    // The floor: the fastest of three, so the route's first-request warm-up is not counted.
    for (let i = 0; i < 3; i += 1)
      await post("upload floor (refused mode)", { mode: "bench", text });
    rows.splice(0, 3, rows.slice(0, 3).sort((a, b) => a[1] - b[1])[0]!);
    const yamlParse = elapsed(() => parse(text, { uniqueKeys: true }));
    rows.push(["baseline: yaml parse() in-process", yamlParse.ms, ""]);
    const json = JSON.stringify(yamlParse.result);
    rows.push(["baseline: JSON.parse in-process", elapsed(() => JSON.parse(json)).ms, ""]);

    const dry = await post("dry run", { mode: "dry-run", text });
    await post("apply (one transaction)", { mode: "apply", text, expectedHash: dry.diff?.hash });
    const started = performance.now();
    const exported = await (await alice.request("/admin/config/export?format=yaml")).text();
    rows.push(["export (yaml)", performance.now() - started, `${exported.length >> 10} KiB`]);
    await post("re-import the export, dry run", { mode: "dry-run", text: exported });

    const edited = text.replace(
      /maxSessionDurationSeconds: (\d+)\n {12}cli/g,
      (_, s: string) => `maxSessionDurationSeconds: ${Number(s) + 60}\n            cli`,
    );
    const editDry = await post("edit every rule, dry run", { mode: "dry-run", text: edited });
    await post("edit every rule, apply", {
      mode: "apply",
      text: edited,
      expectedHash: editDry.diff?.hash,
    });
    const invalid = edited.replace(
      /maxSessionDurationSeconds: \d+\n(\s+cli: \w+\n)$/,
      (_, cli) => `maxSessionDurationSeconds: 60\n${cli as string}`,
    );
    await post("last entry invalid, apply refused", {
      mode: "apply",
      text: invalid,
      expectedHash: editDry.diff?.hash,
    });

    const floor = rows[0]![1];
    console.log(
      `${stack.database}: ${ACCOUNTS} accounts, ${await stack.db.accessRule.count()} rules, ` +
        `${text.length >> 10} KiB of YAML`,
    );
    for (const [phase, ms, note] of rows)
      console.log(
        `${phase.padEnd(36)} ${Math.round(ms).toString().padStart(7)} ms ${(ms / floor).toFixed(1).padStart(6)}×  ${note}`,
      );
  } finally {
    await stack.stop();
  }
}

void main();
