import { headers } from "next/headers";

export default async function NotFound() {
  const requestId = (await headers()).get("x-request-id");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <h1 className="text-xl font-semibold">Page not found</h1>
        <p className="mt-2 text-slate-600">There is nothing at this address.</p>
        {requestId && (
          <p className="mt-2 text-xs text-slate-500">
            Request id: <code className="font-mono">{requestId}</code>
          </p>
        )}
        {/* A plain link: every page carries the root not-found boundary's client code, and
            next/link there would add its runtime to pages that use no link. */}
        <a href="/accounts" className="mt-6 inline-block text-indigo-600 hover:underline">
          Back to your accounts
        </a>
      </div>
    </main>
  );
}
