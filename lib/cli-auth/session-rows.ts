import type { CliTokenView } from "./cli-tokens";

/** What a page sends the browser about a CLI session: times as ISO text, never the token. */
export function cliSessionRowOf(token: CliTokenView, opts: { withOwner: boolean }) {
  return {
    id: token.id,
    deviceName: token.deviceName,
    clientAddress: token.clientAddress,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    lastUsedAddress: token.lastUsedAddress,
    mfaAuthenticated: token.mfaAuthenticated,
    ...(opts.withOwner
      ? { owner: token.owner.email ?? token.owner.displayName ?? token.owner.subject }
      : {}),
  };
}
