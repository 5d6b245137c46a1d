/**
 * How a page's error boundary (app/error.tsx, a client component) recognises a database fault: the
 * digest Next.js hands it is this prefix and the request id. No server-only code: both sides use it.
 */
export const DATABASE_UNAVAILABLE_DIGEST = "gatehouse-database-unavailable:";
