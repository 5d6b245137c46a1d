import Link from "next/link";
import type { AccountChoice } from "@/lib/issuance/deep-link-target";

/** The frame every deep-link outcome is shown in. */
export function DeepLinkPanel({
  title,
  testId,
  requestId,
  children,
}: {
  title: string;
  testId: string;
  /** Shown under the message, for a refusal the user may quote to an administrator. */
  requestId?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm" data-testid={testId}>
      <h1 className="text-xl font-semibold">{title}</h1>
      <div className="mt-3 space-y-3 text-sm text-slate-700">
        {children}
        {requestId !== undefined && (
          <p className="text-xs text-slate-500">
            Request id: <code className="font-mono">{requestId}</code>
          </p>
        )}
      </div>
      <p className="mt-6 text-sm">
        <Link href="/accounts" className="text-indigo-700 underline">
          Back to your accounts
        </Link>
      </p>
    </div>
  );
}

export function LinkProblems({
  problems,
}: {
  problems: Array<{ param: string; message: string }>;
}) {
  return (
    <DeepLinkPanel title="This console link can't be used" testId="deep-link-problems">
      <p>Fix these parts of the link, or pick the role from your accounts page:</p>
      <ul className="list-disc space-y-1 pl-5">
        {problems.map((p) => (
          <li key={`${p.param}:${p.message}`} data-testid="deep-link-problem">
            <code className="font-mono">{p.param}</code>: {p.message}
          </li>
        ))}
      </ul>
    </DeepLinkPanel>
  );
}

export function NoSuchRole({ requestId }: { requestId: string }) {
  return (
    <DeepLinkPanel
      title="No such role, or you have no access to it"
      testId="deep-link-not-found"
      requestId={requestId}
    >
      <p data-testid="deep-link-message">No such role, or you have no access to it.</p>
    </DeepLinkPanel>
  );
}

/** Why a role the user can see can't be opened in the console from this link, and what to do. */
const UNOPENABLE_ROLE = {
  requestable: {
    testId: "deep-link-requestable",
    message:
      "You may request this role: it is yours only while an approved access request lasts, and you have none for it now. Once a request is approved, this link opens the console.",
    action: { href: "/requests", label: "Request access" },
  },
  "no-console": {
    testId: "deep-link-no-console",
    message:
      "Your access to this role does not include the AWS console. CLI credentials are on your accounts page.",
    action: undefined,
  },
} as const;

export function UnopenableRole({
  reason,
  roleName,
  accountName,
  requestId,
}: {
  reason: keyof typeof UNOPENABLE_ROLE;
  roleName: string;
  accountName: string;
  requestId: string;
}) {
  const { testId, message, action } = UNOPENABLE_ROLE[reason];
  return (
    <DeepLinkPanel title={`${roleName} in ${accountName}`} testId={testId} requestId={requestId}>
      <p data-testid="deep-link-message">{message}</p>
      {action && (
        <p>
          <Link
            href={action.href}
            className="inline-block rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
          >
            {action.label}
          </Link>
        </p>
      )}
    </DeepLinkPanel>
  );
}

export function ChooseAccount({
  roleName,
  accounts,
  hrefFor,
}: {
  roleName: string;
  accounts: AccountChoice[];
  hrefFor: (accountId: string) => string;
}) {
  return (
    <DeepLinkPanel title={`Which account? Several have ${roleName}`} testId="deep-link-choices">
      <p>The link names an account by a name that several of your accounts share:</p>
      <ul className="space-y-2">
        {accounts.map((a) => (
          <li key={a.accountId}>
            <a
              href={hrefFor(a.accountId)}
              className="text-indigo-700 underline"
              data-testid="deep-link-choice"
            >
              {a.name}
              {a.alias && a.alias !== a.name ? ` (${a.alias})` : ""} —{" "}
              <code className="font-mono">{a.accountId}</code>
            </a>{" "}
            <span className="text-xs text-slate-500">{a.environment}</span>
          </li>
        ))}
      </ul>
    </DeepLinkPanel>
  );
}
