import Link from "next/link";
import type { ReactNode } from "react";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { PageFrame } from "./page-frame";

export interface Crumb {
  label: string;
  href?: string;
}

const NOTICES: Record<string, string> = {
  "account-created": "Account added. Add its roles below.",
  "account-deleted": "Account deleted, with its roles and their rules.",
  "role-created": "Role added. Grant it to a group or a user below.",
  "role-deleted": "Role deleted, with its rules.",
  "rule-created": "Access rule added.",
  "rule-deleted": "Access rule deleted.",
};

/** Header, breadcrumbs and an optional notice around an admin page (the page has checked admin). */
export function AdminPageShell({
  user,
  crumbs,
  notice,
  isWide = false,
  children,
}: {
  user: SignedInUser;
  crumbs: Crumb[];
  notice?: string | undefined;
  /** For a page of wide tables (see PageFrame). */
  isWide?: boolean;
  children: ReactNode;
}) {
  const text = notice ? NOTICES[notice] : undefined;
  return (
    <PageFrame user={user} isWide={isWide}>
      {/* A crumb wraps whole to the next line; one too long for the screen is cut, with a tooltip. */}
      <nav aria-label="Breadcrumb" className="flex flex-wrap gap-y-1 text-sm text-slate-500">
        {crumbs.map((c, i) => (
          <span key={`${c.label}-${i}`} className="flex max-w-full min-w-0 whitespace-nowrap">
            {i > 0 && <span className="mx-2 text-slate-300">/</span>}
            {c.href ? (
              <Link
                href={c.href}
                className="truncate text-indigo-700 hover:underline"
                title={c.label}
              >
                {c.label}
              </Link>
            ) : (
              <span className="truncate text-slate-700" title={c.label}>
                {c.label}
              </span>
            )}
          </span>
        ))}
      </nav>
      {text && (
        <p
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
          data-testid="notice"
        >
          {text}
        </p>
      )}
      {children}
    </PageFrame>
  );
}
