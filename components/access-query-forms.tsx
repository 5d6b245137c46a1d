const INPUT = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
const BUTTON =
  "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500";

/** The three questions the review answers, as plain GET forms (bookmarkable, no script needed). */
export function AccessQueryForms({ values }: { values: Record<string, string> }) {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <form
        method="get"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      >
        <h2 className="font-semibold">Who can reach…</h2>
        <label className="block text-sm">
          Account id
          <input
            name="account"
            defaultValue={values.account}
            placeholder="123456789012"
            className={INPUT}
          />
        </label>
        <label className="block text-sm">
          Role name (optional)
          <input name="role" defaultValue={values.role} className={INPUT} />
        </label>
        <button className={BUTTON}>Review</button>
      </form>
      <form
        method="get"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      >
        <h2 className="font-semibold">What can a user reach</h2>
        <label className="block text-sm">
          Email
          <input name="user" type="email" defaultValue={values.user} className={INPUT} />
        </label>
        <button className={BUTTON}>Review</button>
      </form>
      <form
        method="get"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      >
        <h2 className="font-semibold">Explain</h2>
        <label className="block text-sm">
          Email
          <input
            name="explainUser"
            type="email"
            defaultValue={values.explainUser}
            className={INPUT}
          />
        </label>
        <label className="block text-sm">
          Role ARN
          <input name="explainRole" defaultValue={values.explainRole} className={INPUT} />
        </label>
        <label className="block text-sm">
          Output
          <select name="output" defaultValue={values.output ?? ""} className={INPUT}>
            <option value="">either</option>
            <option value="console">console</option>
            <option value="cli">CLI</option>
          </select>
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="mfa" value="1" defaultChecked={values.mfa === "1"} /> signed
          in with MFA
        </label>
        <button className={BUTTON}>Explain</button>
      </form>
    </div>
  );
}
