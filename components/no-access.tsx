export function NoAccess({ contact, userLabel }: { contact: string; userLabel: string }) {
  return (
    <section
      className="mx-auto mt-12 max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
      data-testid="no-access"
    >
      <h1 className="text-xl font-semibold">No AWS access yet</h1>
      <p className="mt-3 text-slate-600">
        You are signed in as <span className="font-medium text-slate-900">{userLabel}</span>, but no
        account or role has been granted to you or to any of your groups.
      </p>
      <p className="mt-3 text-slate-600">
        To get access, ask <span className="font-medium text-slate-900">{contact}</span>. Say which
        AWS account and role you need and for what; once they grant it, sign out and in again.
      </p>
    </section>
  );
}
