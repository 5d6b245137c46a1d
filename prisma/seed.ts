// `npm run db:seed`: loads the demo data set into the database DATABASE_URL names. The demo users
// are keyed by OIDC_ISSUER (the demo IdP's issuer unless set).
import { createDb } from "../lib/db/client";
import { DEFAULT_DATABASE_URL } from "./database-url";
import { seedDemo } from "./seed-demo";

async function main(): Promise<void> {
  const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  try {
    const result = await seedDemo(db, {
      issuer: process.env.OIDC_ISSUER || "http://localhost:3100",
    });
    console.log(
      result.seeded
        ? `seeded ${result.accounts} accounts, ${result.roles} roles, ${result.rules} access rules`
        : "database already has accounts: nothing seeded",
    );
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error("seed failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
