// `npx tsx --conditions=react-server --tsconfig tsconfig.json tests/bench/config-import.ts`
// (GATEHOUSE_TEST_DATABASE=postgresql for PostgreSQL): a generated configuration of
// BENCH_ACCOUNTS accounts × 2 roles × 5 rules (default 5,000 accounts, 10,000 roles, 50,000 rules)
// imported over HTTP the way the admin page does it — dry run, then apply in one transaction —
// then the export re-imported as a no-op. Prints times per phase. Not a test: numbers.
// Measured on the 2-core dev machine (5,701 KiB YAML, 5,000 accounts, 10,000 roles, 50,000 rules):
//   SQLite:     dry run 9.3 s, apply 53.8 s (one transaction), export 14.4 s, re-import dry run 20.0 s (0 changes)
//   PostgreSQL: dry run 7.1 s, apply 34.1 s (one transaction), export 5.5 s, re-import dry run 9.4 s (0 changes)
// Most of a dry run is YAML parsing with positions (~8 s for this file); apply time is dominated by
// createMany through the driver adapters.
import { signIn } from "../support/portal-client";
import { startTestStack } from "../support/stack";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS || 5000);

function generatedConfig(accounts: number, roles: number, rules: number): string {
  const out = ["version: 1", "accounts:"];
  for (let a = 0; a < accounts; a += 1) {
    out.push(
      `  - id: "${String(700000000000 + a)}"`,
      `    name: generated-${a}`,
      "    environment: dev",
      "    roles:",
    );
    for (let r = 0; r < roles; r += 1) {
      out.push(
        `      - name: Role${r}`,
        "        maxSessionDurationSeconds: 7200",
        "        rules:",
      );
      for (let g = 0; g < rules; g += 1)
        out.push(
          `          - group: team-${(a + g) % 500}`,
          `            maxSessionDurationSeconds: ${900 + g * 60}`,
          `            cli: ${g % 2 === 0}`,
        );
    }
  }
  return `${out.join("\n")}\n`;
}

async function main() {
  const stack = await startTestStack();
  try {
    const alice = await signIn(stack, "alice");
    const text = generatedConfig(ACCOUNTS, 2, 5);
    const post = async (body: unknown) => {
      const started = performance.now();
      const res = await alice.request("/admin/config/import", { method: "POST", json: body });
      const json = (await res.json()) as { diff?: { hash: string; total: number } };
      return { status: res.status, json, ms: Math.round(performance.now() - started) };
    };
    const dry = await post({ mode: "dry-run", text });
    const apply = await post({ mode: "apply", text, expectedHash: dry.json.diff?.hash });
    const rules = await stack.db.accessRule.count();
    let started = performance.now();
    const exported = await (await alice.request("/admin/config/export?format=yaml")).text();
    const exportMs = Math.round(performance.now() - started);
    const again = await post({ mode: "dry-run", text: exported });
    started = performance.now();
    console.log(
      JSON.stringify(
        {
          database: stack.database,
          accounts: ACCOUNTS,
          rules,
          fileKiB: Math.round(text.length / 1024),
          dryRunMs: dry.ms,
          applyMs: apply.ms,
          applyStatus: apply.status,
          exportMs,
          reimportDryRunMs: again.ms,
          reimportChanges: again.json.diff?.total,
        },
        null,
        2,
      ),
    );
  } finally {
    await stack.stop();
  }
}

void main();
