import "server-only";

/** Database ids in URLs and forms are cuids: anything else is not found, never a query. */
export const ID_PATTERN = /^[a-z0-9]{20,32}$/;

export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}
