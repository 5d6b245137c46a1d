// Which database a DATABASE_URL names. Shared by the app (lib/db), the Prisma CLI configs and the
// migration runner so they can never disagree.
import path from "node:path";

/** Where Gatehouse keeps its data when DATABASE_URL is not set: an SQLite file under data/. */
export const DEFAULT_DATABASE_URL = "file:./data/gatehouse.db";

export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProviderOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return "postgresql";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** The absolute SQLite file path of a `file:` URL, resolved against the working directory. */
export function sqliteFileFromUrl(url: string): string {
  const file = url.replace(/^file:(\/\/)?/, "").split("?")[0] ?? "";
  if (file === "") throw new Error('DATABASE_URL "file:" names no file');
  return path.resolve(/*turbopackIgnore: true*/ file);
}
