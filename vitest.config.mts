import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

/**
 * Integration files that never open the portal's database (the AWS stand-in, the demo IdPs, the
 * broker on its own), or only as a bystander (the server's start-up and output handling; the CLI,
 * whose portal side api-v1 and cli-device-flow prove on both databases): they run once, in the
 * SQLite tier, not again with PostgreSQL, where they would prove nothing new.
 */
const DATABASE_FREE = [
  "tests/integration/cli-commands.test.ts",
  "tests/integration/cli-credential-serving.test.ts",
  "tests/integration/aws-standin-*.test.ts",
  "tests/integration/broker-failover.test.ts",
  "tests/integration/broker-regions.test.ts",
  "tests/integration/broker-session-token.test.ts",
  "tests/integration/oidc-idp.test.ts",
  "tests/integration/readme-policies.test.ts",
  "tests/integration/saml-idp.test.ts",
  "tests/integration/server-start.test.ts",
];

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      "server-only": path.join(root, "tests/support/server-only-noop.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // A timeout only catches a hang: the slowest unit tests start a child (a vitest run, the
          // AWS CLI) and take ~2.5 s quiet, but `npm test` runs this tier beside the build, and beside
          // two CPU-bound processes as well they took 14.5 s: 120 s, as in the integration tier.
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: process.env.GATEHOUSE_TEST_DATABASE === "postgresql" ? DATABASE_FREE : [],
          environment: "node",
          setupFiles: ["tests/support/report-worker-exit.ts"],
          // Each file starts real servers (portal, IdP, AWS stand-in) and a database: one at a time
          // on a two-core machine keeps timings honest and ports free.
          fileParallelism: false,
          // Files share one module graph instead of re-importing the stand-ins, IdPs and lib/ for
          // each file (about 40 s of the tier): they hold no module state of their own, and every
          // stack they start is their own.
          isolate: false,
          // A timeout only catches a hang. The heaviest tests (discovery of 400 accounts, the
          // discovery command) take ~10 s quiet and were seen at 30+ s with the machine busy with
          // other work, so the limit is well above any honest run, like the hooks'.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
