import "server-only";

/** The AuditChainHead table has exactly one row, inserted by the migration that began the chain. */
export const CHAIN_HEAD_ID = 1;
