import type { Metadata } from "next";
import { PageFrame } from "@/components/page-frame";
import { AuditFilters } from "@/components/audit-filters";
import { AuditPager } from "@/components/audit-pager";
import { AuditTable } from "@/components/audit-table";
import { AuditVerifyButton } from "@/components/audit-verify-button";
import { filterParams, parseAuditQuery } from "@/lib/audit/audit-query";
import { findAuditEvents } from "@/lib/audit/find-audit-events";
import { AUDIT_ACTIONS } from "@/lib/audit/write-audit-event";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { pathWithQuery } from "@/lib/http/return-path";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = await searchParams;
  const { user } = await requirePrivilegedPage("auditor", pathWithQuery("/admin/audit", raw));
  const parsed = parseAuditQuery(raw);
  const page = parsed.ok ? await findAuditEvents(getDb(), parsed.query) : null;
  const filters = parsed.ok ? filterParams(parsed.query) : new URLSearchParams();
  const typed = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, (Array.isArray(v) ? v[0] : v) ?? ""]),
  );
  return (
    <PageFrame user={user} isWide>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="mt-1 text-sm text-slate-600">
            Every sign-in, denial, issuance and change, newest first. Times are UTC; # is the
            event&apos;s place in the tamper-evident hash chain.
          </p>
        </div>
        <AuditVerifyButton />
      </div>
      <AuditFilters
        values={typed}
        actions={AUDIT_ACTIONS}
        issues={parsed.ok ? [] : parsed.issues}
        nothingMatched={page?.events.length === 0}
      />
      {page && (
        <>
          <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
            <p className="text-slate-600" data-testid="audit-count">
              {page.events.length === 0
                ? "No events match these filters."
                : `Showing ${page.events.length} event${page.events.length === 1 ? "" : "s"}.`}
            </p>
            <div className="flex gap-2">
              <ExportLink filters={filters} format="csv" label="Export CSV" />
              <ExportLink filters={filters} format="jsonl" label="Export JSON Lines" />
            </div>
          </div>
          <AuditTable events={page.events} />
          <AuditPager filters={filters} newer={page.newer} older={page.older} />
        </>
      )}
    </PageFrame>
  );
}

function ExportLink(props: { filters: URLSearchParams; format: "csv" | "jsonl"; label: string }) {
  const params = new URLSearchParams(props.filters);
  params.delete("limit");
  params.set("format", props.format);
  return (
    <a
      href={`/api/admin/audit/export?${params.toString()}`}
      download
      data-testid={`audit-export-${props.format}`}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100"
    >
      {props.label}
    </a>
  );
}
