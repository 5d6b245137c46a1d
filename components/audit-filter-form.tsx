"use client";

import { useRef, type ReactNode } from "react";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";

/**
 * The audit filters' GET form, which puts focus on the first refused field when the page answers
 * with one (the server opens the filters then), as the portal's other forms do after a refused
 * submit. Submitting needs no script: the browser sends the form.
 */
export function AuditFilterForm({
  hasFieldErrors,
  className,
  children,
}: {
  hasFieldErrors: boolean;
  className: string;
  children: ReactNode;
}) {
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, null, hasFieldErrors);
  return (
    <form
      ref={form}
      method="get"
      action="/admin/audit"
      className={className}
      data-testid="audit-filters"
    >
      {children}
    </form>
  );
}
