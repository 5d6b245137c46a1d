"use client";

import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/http/error-digest";

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const router = useRouter();
  // A server-rendered page failed: ask the server again (refresh), then re-render the segment.
  const tryAgain = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  const databaseDown = error.digest?.startsWith(DATABASE_UNAVAILABLE_DIGEST) ?? false;
  const reference = databaseDown
    ? error.digest!.slice(DATABASE_UNAVAILABLE_DIGEST.length)
    : (error.digest ?? "unavailable");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div
        className="max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm"
        role="alert"
      >
        <h1 className="text-xl font-semibold">
          {databaseDown ? "The portal is briefly unavailable" : "Something went wrong"}
        </h1>
        <p className="mt-2 text-slate-600">
          {databaseDown
            ? "Its database can't be reached right now. Try again in a few seconds; if it keeps happening, give your administrator this reference:"
            : "The portal could not show this page. Try again; if it keeps happening, give your administrator this reference:"}
        </p>
        <code className="mt-2 block font-mono text-sm text-slate-800" data-testid="error-reference">
          {reference}
        </code>
        <div className="mt-6 flex flex-wrap items-center gap-3">
          <button
            type="button"
            onClick={tryAgain}
            className="rounded-md bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500"
          >
            Try again
          </button>
          {/* A full page load: whatever failed here may have left the client router unusable. */}
          <a
            href="/accounts"
            className="rounded-md border border-slate-300 px-4 py-2 text-slate-700 hover:bg-slate-100"
          >
            Back to your accounts
          </a>
        </div>
      </div>
    </main>
  );
}
