import "server-only";

/**
 * Whether a Prisma error is a unique-constraint violation (P2002). Duck-typed on purpose: the
 * SQLite and PostgreSQL clients are separate generated packages.
 */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002"
  );
}
