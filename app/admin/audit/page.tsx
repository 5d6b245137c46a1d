import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { AuditTable } from "@/components/audit-table";
import { findRecentAuditEvents } from "@/lib/audit/find-audit-events";
import { requirePageUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const { user } = await requirePageUser({ admin: true, returnTo: "/admin/audit" });
  const events = await findRecentAuditEvents(getDb(), { limit: 200 });
  return (
    <>
      <AppHeader userLabel={user.email ?? user.subject} isAdmin={user.isAdmin} />
      <main className="mx-auto max-w-6xl px-4 py-8">
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          The {events.length} most recent events, newest first. Times are UTC.
        </p>
        <AuditTable events={events} />
      </main>
    </>
  );
}
