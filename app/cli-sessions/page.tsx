import type { Metadata } from "next";
import { CliSessionsTable } from "@/components/cli-sessions-table";
import { CommandBlock } from "@/components/command-block";
import { PageFrame } from "@/components/page-frame";
import { requirePageUser } from "@/lib/auth/current-user";
import { findLiveCliTokens } from "@/lib/cli-auth/cli-tokens";
import { cliSessionRowOf } from "@/lib/cli-auth/session-rows";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { identityIdsOf } from "@/lib/people/people";

export const metadata: Metadata = { title: "CLI sessions" };

/** The terminals signed in as this person with `gatehouse login`, each revocable (docs/API.md). */
export default async function CliSessionsPage() {
  const { user } = await requirePageUser({ returnTo: "/cli-sessions" });
  const db = getDb();
  const tokens = await findLiveCliTokens(
    db,
    { userIds: await identityIdsOf(db, user.personId) },
    currentTime(),
  );
  return (
    <PageFrame user={user}>
      <div>
        <h1 className="text-2xl font-semibold">CLI sessions</h1>
        <p className="mt-1 text-sm text-slate-600">
          Terminals signed in as you with <code className="font-mono">gatehouse login</code>. Each
          can fetch AWS credentials for your roles until it expires; revoke one you don’t recognise
          or no longer use.
        </p>
      </div>
      <CliSessionsTable
        sessions={tokens.map((t) => cliSessionRowOf(t, { withOwner: false }))}
        revokeAll
      />
      <section className="space-y-2 text-sm text-slate-600" data-testid="cli-login-hint">
        <h2 className="text-base font-semibold text-slate-900">Sign in a terminal</h2>
        <p>Run this in the terminal, then approve the code it shows:</p>
        <CommandBlock command={`gatehouse login --portal ${getConfig().publicUrl}`} />
        <p>
          To see every command and its options, run{" "}
          <code className="rounded bg-slate-100 px-1 font-mono whitespace-nowrap">
            gatehouse --help
          </code>
          .
        </p>
      </section>
    </PageFrame>
  );
}
