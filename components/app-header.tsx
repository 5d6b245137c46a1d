import Link from "next/link";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { HeaderLink, MainNav } from "./header-nav";
import { SignOutButton } from "./sign-out-button";

export type HeaderUser = Pick<
  SignedInUser,
  "email" | "displayName" | "subject" | "isAdmin" | "isAuditor"
>;

/** How the signed-in person is named on every page. */
export function userLabelOf(user: Pick<SignedInUser, "email" | "displayName" | "subject">): string {
  return user.email ?? user.displayName ?? user.subject;
}

/** The column the header and the page below it share: wide for pages of big tables. */
export function columnWidth(isWide: boolean): string {
  return isWide ? "max-w-7xl" : "max-w-5xl";
}

export function AppHeader({
  user,
  isWide = false,
}: {
  user: HeaderUser;
  /** Line up with a page whose content is wider than the usual column (the audit log's table). */
  isWide?: boolean;
}) {
  const { isAdmin, isAuditor } = user;
  const userLabel = userLabelOf(user);
  const width = columnWidth(isWide);
  return (
    // data-person: who this page is for, as the header names them, so what a tab kept for one
    // person is never offered to another who signs in on it (components/signed-in-person.ts).
    <header className="border-b border-slate-200 bg-white" data-person={userLabel}>
      <SkipToContent />
      {/* Relative: on a phone the main menu opens right under this row. */}
      <div className={`relative mx-auto flex ${width} items-center gap-3 px-4 py-3 sm:gap-6`}>
        <Link
          href="/accounts"
          className="flex shrink-0 items-center gap-2 font-semibold text-slate-900"
        >
          <GateIcon />
          {/* On a phone the icon alone: the Menu button and who is signed in need the room. */}
          <span className="sr-only sm:not-sr-only">Gatehouse</span>
        </Link>
        <MainNav />
        <div className="ml-auto flex min-w-0 items-center gap-3 text-sm">
          {/* Who am I: the sign-in, its groups and MFA, and why each role is theirs. */}
          <HeaderLink
            href="/me"
            className="min-w-0 truncate py-0.5 text-slate-600 underline-offset-2 hover:underline"
            title={`${userLabel}: your sign-in and access`}
            testId="signed-in-user"
          >
            {userLabel}
          </HeaderLink>
          <SignOutButton />
        </div>
      </div>
      {(isAuditor || isAdmin) && (
        <nav aria-label="Administration" className="border-t border-slate-100 bg-slate-50/70">
          {/* Each link is 24 px tall (the smallest tap target WCAG 2.5.8 allows), not just its
              20 px line of text: an approver on a phone taps these. On a phone the row is one
              line that scrolls sideways (nine links wrapped to four lines, 120 px above every
              admin page), scrolled to the page shown (HeaderLink); from 640 px it wraps. */}
          <div
            className={`mx-auto flex ${width} [scrollbar-width:thin] items-baseline gap-x-5 gap-y-1 overflow-x-auto px-4 py-1 text-sm whitespace-nowrap text-slate-600 sm:overflow-visible [&_a]:py-0.5`}
            data-scroll-row
          >
            <span className="shrink-0 text-xs font-medium tracking-wide text-slate-500 uppercase">
              {isAdmin ? "Admin" : "Audit"}
            </span>
            {/* From 640 px the links wrap as a block of their own, so a second row lines up under
                the first link, not under the label; on a phone they flow on with the label. */}
            <div className="contents sm:flex sm:flex-wrap sm:gap-x-5 sm:gap-y-1">
              {isAuditor && (
                <>
                  <HeaderLink href="/admin/audit">Audit log</HeaderLink>
                  <HeaderLink href="/admin/access">Access review</HeaderLink>
                </>
              )}
              {isAdmin && (
                <>
                  <HeaderLink href="/admin/accounts">Accounts &amp; access</HeaderLink>
                  <HeaderLink href="/admin/config">Configuration as code</HeaderLink>
                  <HeaderLink href="/admin/identity-providers">Identity providers</HeaderLink>
                  <HeaderLink href="/admin/people">People</HeaderLink>
                  <HeaderLink href="/admin/broker">Broker</HeaderLink>
                  <HeaderLink href="/admin/cli-sessions">CLI sessions</HeaderLink>
                  <HeaderLink href="/admin/webhooks">Webhook deliveries</HeaderLink>
                </>
              )}
            </div>
          </div>
        </nav>
      )}
    </header>
  );
}

/** The id of every page's main column: the skip link's target. */
export const MAIN_CONTENT_ID = "main";

/**
 * The first Tab stop of every page with a header: a keyboard user skips the main and admin
 * navigation (a dozen links for an admin) straight to the page's content. Shown when focused.
 */
function SkipToContent() {
  return (
    <a
      href={`#${MAIN_CONTENT_ID}`}
      className="sr-only rounded-md bg-indigo-600 text-sm font-medium text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:px-3 focus:py-2"
    >
      Skip to content
    </a>
  );
}

/** The header of a page anyone may reach (not found) for someone not signed in. */
export function SignedOutHeader() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex ${columnWidth(false)} items-center gap-3 px-4 py-3 sm:gap-6`}>
        <Link
          href="/accounts"
          className="flex shrink-0 items-center gap-2 font-semibold text-slate-900"
        >
          <GateIcon />
          Gatehouse
        </Link>
        <Link
          href="/signin"
          className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
          data-testid="header-sign-in"
        >
          Sign in
        </Link>
      </div>
    </header>
  );
}

function GateIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      className="h-6 w-6 text-indigo-600"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden
    >
      <path d="M3 21V9l9-6 9 6v12" />
      <path d="M9 21v-6a3 3 0 0 1 6 0v6" />
    </svg>
  );
}
