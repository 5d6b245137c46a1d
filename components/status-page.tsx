import Link from "next/link";
import type { ReactNode } from "react";
import { AppHeader, MAIN_CONTENT_ID, SignedOutHeader, type HeaderUser } from "./app-header";

/**
 * A page that answers "not found" or "not allowed" in the portal's own frame: the header with the
 * navigation for a signed-in person (a sign-in link for anyone else), what happened, the request
 * id support can look up, and the way home. Nothing of the page that was asked for.
 */
export function StatusPage({
  viewer,
  status,
  title,
  requestId,
  testId,
  children,
}: {
  viewer: HeaderUser | null;
  /** "404 · Not found", shown above the title. */
  status: string;
  title: string;
  requestId: string | null;
  testId: string;
  children: ReactNode;
}) {
  return (
    <>
      {viewer ? <AppHeader user={viewer} /> : <SignedOutHeader />}
      <main
        id={MAIN_CONTENT_ID}
        tabIndex={-1}
        className="mx-auto max-w-5xl px-4 py-12 outline-none sm:py-20"
      >
        <div
          className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8"
          data-testid={testId}
        >
          <p className="text-sm font-semibold tracking-wide text-slate-500 uppercase">{status}</p>
          <h1 className="mt-2 text-xl font-semibold">{title}</h1>
          <div className="mt-3 text-slate-600">{children}</div>
          {requestId && (
            <p className="mt-3 text-xs wrap-anywhere text-slate-500">
              Request id: <code className="font-mono">{requestId}</code>
            </p>
          )}
          <Link
            href={viewer ? "/accounts" : "/signin"}
            className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            data-testid="status-page-home"
          >
            {viewer ? "Back to your accounts" : "Sign in to Gatehouse"}
          </Link>
        </div>
      </main>
    </>
  );
}
