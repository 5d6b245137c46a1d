import type { Metadata } from "next";
import { AdminPageShell } from "@/components/admin-page-shell";
import { ConfigImport } from "@/components/config-import";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";

export const metadata: Metadata = { title: "Configuration as code" };

export default async function AdminConfigPage() {
  const check = await requirePrivilegedPage("admin", "/admin/config");
  const crumbs = [{ label: "Configuration as code" }];
  return (
    <AdminPageShell user={check.user} crumbs={crumbs}>
      <div>
        <h1 className="text-2xl font-semibold">Configuration as code</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every account, role and access rule as one YAML or JSON file: keep it in version control,
          review changes, and import them here.
        </p>
      </div>
      <section className="flex gap-3 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <a
          href="/admin/config/export?format=yaml"
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50"
          data-testid="export-yaml"
        >
          Export YAML
        </a>
        <a
          href="/admin/config/export?format=json"
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50"
          data-testid="export-json"
        >
          Export JSON
        </a>
      </section>
      <ConfigImport />
    </AdminPageShell>
  );
}
