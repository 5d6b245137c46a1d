import type { ReactNode } from "react";
import { AppHeader, columnWidth, MAIN_CONTENT_ID, type HeaderUser } from "./app-header";

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
      {/* Focusable by the skip link only (tabIndex -1), so the next Tab starts in the content. */}
      <main
        id={MAIN_CONTENT_ID}
        tabIndex={-1}
        className={`mx-auto ${columnWidth(isWide)} px-4 outline-none ${mainClassName}`}
      >
        {children}
      </main>
    </>
  );
}
