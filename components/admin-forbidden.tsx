/** What a signed-in non-admin sees on an admin page: why, and where to go instead. Nothing else. */
export function AdminForbidden() {
  return (
    <section
      className="mx-auto mt-12 max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
      data-testid="admin-forbidden"
    >
      <p className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
        403 · Not allowed
      </p>
      <h1 className="mt-2 text-xl font-semibold">This page is for Gatehouse administrators</h1>
      <p className="mt-3 text-slate-600">
        Accounts, roles and access rules are managed by administrators. If you need access to an AWS
        account, ask one of them; your own roles are on your accounts page.
      </p>
      <a
        href="/accounts"
        className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
      >
        Go to your accounts
      </a>
    </section>
  );
}
