const INPUT = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
const BUTTON =
  "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500";

/** Each form's own fields; the others' values ride along as `keep_<name>` so none is lost. */
const FIELDS = {
  account: ["account", "role"],
  user: ["user"],
  explain: ["explainUser", "explainRole", "output", "mfa"],
} as const;

type FormName = keyof typeof FIELDS;

/** A role an admin may pick for Explain: its ARN and how people name it ("account / role"). */
export interface ExplainableRole {
  arn: string;
  label: string;
}

/**
 * The three questions the review answers, as plain GET forms (bookmarkable, no script needed).
 * Submitting one keeps what was typed in the others (carried as `keep_…`, which asks nothing).
 */
export function AccessQueryForms({
  values,
  roles,
}: {
  values: Record<string, string>;
  roles: readonly ExplainableRole[];
}) {
  const value = (name: string) => values[name] ?? values[`keep_${name}`] ?? "";
  const kept = (form: FormName) =>
    (Object.keys(FIELDS) as FormName[])
      .filter((other) => other !== form)
      .flatMap((other) => FIELDS[other])
      .filter((name) => value(name) !== "")
      .map((name) => <input key={name} type="hidden" name={`keep_${name}`} value={value(name)} />);
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <form
        method="get"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        data-testid="review-account-form"
      >
        {kept("account")}
        <h2 className="font-semibold">Who can reach an account?</h2>
        <label className="block text-sm">
          Account id, name or alias
          <input
            name="account"
            defaultValue={value("account")}
            placeholder="123456789012 or acme-prod"
            className={INPUT}
          />
        </label>
        <label className="block text-sm">
          Role name (optional)
          <input name="role" defaultValue={value("role")} className={INPUT} />
        </label>
        <button className={BUTTON}>Review</button>
      </form>
      <form
        method="get"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        data-testid="review-user-form"
      >
        {kept("user")}
        <h2 className="font-semibold">What can a user reach?</h2>
        <label className="block text-sm">
          Email
          <input name="user" type="email" defaultValue={value("user")} className={INPUT} />
        </label>
        <button className={BUTTON}>Review</button>
      </form>
      <form
        method="get"
        className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        data-testid="review-explain-form"
      >
        {kept("explain")}
        <h2 className="font-semibold">Can a user reach a role?</h2>
        <label className="block text-sm">
          Email
          <input
            name="explainUser"
            type="email"
            defaultValue={value("explainUser")}
            className={INPUT}
          />
        </label>
        <label className="block text-sm">
          Role (account / role name, or its ARN)
          <input
            name="explainRole"
            list="explainable-roles"
            defaultValue={value("explainRole")}
            placeholder="acme-production / ReadOnly"
            className={INPUT}
          />
          <datalist id="explainable-roles">
            {roles.map((r) => (
              <option key={r.arn} value={r.label} label={r.arn} />
            ))}
          </datalist>
        </label>
        <label className="block text-sm">
          Output
          <select name="output" defaultValue={value("output")} className={INPUT}>
            <option value="">either</option>
            <option value="console">console</option>
            <option value="cli">CLI</option>
          </select>
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="mfa" value="1" defaultChecked={value("mfa") === "1"} />{" "}
          signed in with MFA
        </label>
        <button className={BUTTON}>Explain</button>
      </form>
    </div>
  );
}
