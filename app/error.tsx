"use client";

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div
        className="max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm"
        role="alert"
      >
        <h1 className="text-xl font-semibold">Something went wrong</h1>
        <p className="mt-2 text-slate-600">
          The portal could not show this page. Try again; if it keeps happening, give your
          administrator this reference:
        </p>
        <code className="mt-2 block font-mono text-sm text-slate-800" data-testid="error-reference">
          {error.digest ?? "unavailable"}
        </code>
        <button
          type="button"
          onClick={reset}
          className="mt-6 rounded-md bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500"
        >
          Try again
        </button>
      </div>
    </main>
  );
}
