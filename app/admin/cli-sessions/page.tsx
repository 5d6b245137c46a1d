import type { Metadata } from "next";
import { CliSessionsTable } from "@/components/cli-sessions-table";
import { PageFrame } from "@/components/page-frame";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { findLiveCliTokens } from "@/lib/cli-auth/cli-tokens";
import { cliSessionRowOf } from "@/lib/cli-auth/session-rows";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "CLI sessions" };
export const dynamic = "force-dynamic";

/** Every live CLI session of every person, for an admin to revoke (docs/API.md). */
export default async function AdminCliSessionsPage() {
  const { user } = await requirePrivilegedPage("admin", "/admin/cli-sessions");
  const tokens = await findLiveCliTokens(getDb(), "everyone", currentTime());
  return (
    <PageFrame user={user} isWide>
      <div>
        <h1 className="text-2xl font-semibold">CLI sessions</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every person&apos;s terminals signed in with{" "}
          <code className="font-mono">gatehouse login</code>, newest first. Revoking one refuses its
          next command.
        </p>
      </div>
      <CliSessionsTable sessions={tokens.map((t) => cliSessionRowOf(t, { withOwner: true }))} />
    </PageFrame>
  );
}
