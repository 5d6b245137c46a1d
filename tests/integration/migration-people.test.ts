// Upgrading keeps what was granted (docs/SECURITY.md "People"): a database made before people
// existed, with a user, a user rule and a favorite, is migrated to the current schema; each user
// becomes a person of its own (same id), and the rule and the favorite now name that person. Run
// on the tier's database kind with the real migration files, as `npm start` applies them.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "@/dev/local-stack";
import { testDatabaseKind } from "../support/stack";

const kind = testDatabaseKind();
const POSTGRES_ADMIN_URL =
  process.env.GATEHOUSE_TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test";
const FIRST_WITH_PEOPLE = "20261203135836_people";

const migrationsDir = path.join(
  ROOT,
  kind === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations",
);
const migrations = fs
  .readdirSync(migrationsDir)
  .filter((name) => /^\d{14}_/.test(name))
  .sort();
const before = migrations.filter((m) => m < FIRST_WITH_PEOPLE);
const after = migrations.filter((m) => m >= FIRST_WITH_PEOPLE);
const sqlOf = (name: string) =>
  fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");

/** A world from before people: one user with a user rule and a favorite, and one signed in with SAML. */
const SEED = `
INSERT INTO "User" ("id", "issuer", "subject", "email", "roleSessionName", "updatedAt")
  VALUES ('user1', 'https://idp.example', 'bob', 'bob@corp.example', 'bob', CURRENT_TIMESTAMP);
INSERT INTO "SamlIdentityProvider" ("id", "slug", "displayName", "entityId", "ssoUrl", "certificatesJson", "updatedAt")
  VALUES ('idp1', 'corp', 'Corp', 'https://saml.example', 'https://saml.example/sso', '[]', CURRENT_TIMESTAMP);
INSERT INTO "User" ("id", "issuer", "subject", "email", "roleSessionName", "updatedAt")
  VALUES ('user2', 'https://saml.example', 'bob', 'bob@corp.example', 'bob-saml', CURRENT_TIMESTAMP);
INSERT INTO "AwsAccount" ("id", "accountId", "name", "environment", "updatedAt")
  VALUES ('acct1', '123456789012', 'acme', 'dev', CURRENT_TIMESTAMP);
INSERT INTO "Role" ("id", "awsAccountId", "name", "arn", "updatedAt")
  VALUES ('role1', 'acct1', 'Dev', 'arn:aws:iam::123456789012:role/Dev', CURRENT_TIMESTAMP);
INSERT INTO "AccessRule" ("id", "roleId", "userId") VALUES ('rule1', 'role1', 'user1');
INSERT INTO "AccessRule" ("id", "roleId", "groupName") VALUES ('rule2', 'role1', 'developers');
INSERT INTO "FavoriteRole" ("id", "userId", "roleId") VALUES ('fav1', 'user1', 'role1');
`;

const CHECKS = {
  person: `SELECT "id" FROM "Person" ORDER BY "id"`,
  user: `SELECT "id", "personId", "linkedBy", CASE WHEN "emailVerified" THEN 'yes' ELSE 'no' END AS "emailVerified" FROM "User" ORDER BY "id"`,
  rules: `SELECT "id", "personId", "groupName" FROM "AccessRule" ORDER BY "id"`,
  favorite: `SELECT "personId", "roleId" FROM "FavoriteRole"`,
};

const EXPECTED = {
  person: [{ id: "user1" }, { id: "user2" }],
  // A SAML IdP vouched for its identities' emails; an OIDC identity is marked at its next sign-in.
  user: [
    { id: "user1", personId: "user1", linkedBy: null, emailVerified: "no" },
    { id: "user2", personId: "user2", linkedBy: null, emailVerified: "yes" },
  ],
  rules: [
    { id: "rule1", personId: "user1", groupName: null },
    { id: "rule2", personId: null, groupName: "developers" },
  ],
  favorite: [{ personId: "user1", roleId: "role1" }],
};

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe(`migrating a ${kind} database from before people`, () => {
  it("each user becomes its own person; its rules and favorites name that person", async () => {
    expect(before.length).toBeGreaterThan(0);
    expect(after[0]).toBe(FIRST_WITH_PEOPLE);
    const got: Record<string, unknown[]> = {};
    if (kind === "sqlite") {
      const file = path.join(ROOT, ".tmp", `migration-${randomBytes(4).toString("hex")}.db`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file);
      cleanups.push(() => {
        db.close();
        fs.rmSync(file, { force: true });
      });
      for (const m of before) db.exec(sqlOf(m));
      db.exec(SEED);
      for (const m of after) db.exec(sqlOf(m));
      for (const [name, sql] of Object.entries(CHECKS)) got[name] = db.prepare(sql).all();
      expect(db.prepare("PRAGMA foreign_key_check").all()).toEqual([]);
    } else {
      const name = `gatehouse_migration_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${name}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      cleanups.push(async () => {
        await client.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      });
      for (const m of before) await client.query(sqlOf(m));
      await client.query(SEED);
      for (const m of after) await client.query(sqlOf(m));
      for (const [key, sql] of Object.entries(CHECKS)) got[key] = (await client.query(sql)).rows;
    }
    expect(got).toEqual(EXPECTED);
  });
});
