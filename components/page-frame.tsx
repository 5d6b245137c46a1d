import type { ReactNode } from "react";
import { AppHeader, columnWidth, type HeaderUser } from "./app-header";

/** The header and the page's main column, always the same width so the two line up. */
export function PageFrame({
  user,
  isWide = false,
  mainClassName = "space-y-6 py-8",
  children,
}: {
  user: HeaderUser;
  isWide?: boolean;
  /** Spacing of the main column. */
  mainClassName?: string;
  children: ReactNode;
}) {
  return (
    <>
      <AppHeader user={user} isWide={isWide} />
      <main className={`mx-auto ${columnWidth(isWide)} px-4 ${mainClassName}`}>{children}</main>
    </>
  );
}
