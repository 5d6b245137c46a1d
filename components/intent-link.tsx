"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { rememberIntent } from "./resume-intent";

/**
 * A link to a page that acts at once only when this tab meant it (components/resume-intent.ts):
 * the click records the intent before leaving, so the destination acts on this click, while the
 * same address opened from elsewhere (a shared link, a reload) only offers to.
 */
export function IntentLink({
  href,
  className,
  testId,
  children,
}: {
  href: string;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      className={className}
      data-testid={testId}
      onClick={() => rememberIntent(href)}
    >
      {children}
    </Link>
  );
}
