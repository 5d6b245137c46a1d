import type { Metadata } from "next";
import Link from "next/link";
import { DeviceDecision } from "@/components/device-decision";
import { PageFrame } from "@/components/page-frame";
import { userLabelOf } from "@/components/app-header";
import { requirePageUser } from "@/lib/auth/current-user";
import type { SignedInUser } from "@/lib/auth/portal-session";
import {
  findPendingDeviceAuthorization,
  loginHintRefusal,
  type PendingDeviceAuthorization,
} from "@/lib/cli-auth/device-authorization";
import { sameClientAddress } from "@/lib/cli-auth/client-address-match";
import { normalizeUserCode, formatUserCode } from "@/lib/cli-auth/codes";
import { USER_CODE_REFUSALS } from "@/lib/cli-auth/user-code-lookup";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isRateLimited } from "@/lib/rate-limit/counter";
import { UtcTime } from "@/components/utc-time";

export const metadata: Metadata = { title: "Sign in the command line" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Where a person approves a `gatehouse login` (docs/API.md): they see the code their terminal
 * shows, the name the CLI gave itself and the address it asked from beside their own (a warning
 * when they differ: what a phished code looks like), and decide.
 */
export default async function DevicePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const typed = typeof params.code === "string" ? params.code : "";
  const normalized = normalizeUserCode(typed);
  const returnTo = normalized ? `/device?code=${formatUserCode(normalized)}` : "/device";
  const { user, meta } = await requirePageUser({ returnTo });
  const { pending, refusal } = await lookUp(typed, user);
  const hintRefusal = pending ? loginHintRefusal(user, pending.loginHint) : null;

  return (
    <PageFrame user={user} mainClassName="py-8">
      <div className="mx-auto max-w-xl space-y-6">
        <div>
          <h1 className="text-2xl font-semibold">Sign in the command line</h1>
          <p className="mt-1 text-sm text-slate-600">
            <code className="font-mono">gatehouse login</code> showed a code in your terminal.
            Approve it only if you started it, just now, and the code matches.
          </p>
        </div>
        {pending ? (
          <section
            className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
            data-testid="device-request"
          >
            <p className="text-center font-mono text-3xl tracking-widest" data-testid="device-code">
              {pending.userCode}
            </p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500">Device</dt>
              <dd data-testid="device-name" className="break-words">
                {pending.deviceName}
              </dd>
              <dt className="text-slate-500">From address</dt>
              <dd data-testid="device-address">{pending.clientAddress ?? "unknown"}</dd>
              <dt className="text-slate-500">This browser</dt>
              <dd data-testid="device-browser-address">{meta.ip ?? "unknown"}</dd>
              <dt className="text-slate-500">Asked at</dt>
              <dd>
                <UtcTime value={pending.createdAt} form="second" />
              </dd>
              <dt className="text-slate-500">Signs in as</dt>
              <dd>{userLabelOf(user)}</dd>
            </dl>
            {!sameClientAddress(pending.clientAddress, meta.ip) && (
              <p
                role="alert"
                className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
                data-testid="device-other-address"
              >
                This sign-in was asked for from {pending.clientAddress ?? "an unknown address"}, not
                from this browser&apos;s address. That is expected if you ran gatehouse login on
                another machine or over a VPN. If you didn&apos;t start it yourself just now,
                someone may have sent you this link to get your access: deny it.
              </p>
            )}
            {!user.mfaAuthenticated && (
              <p
                className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
                data-testid="device-no-mfa"
              >
                You signed in without MFA, so roles that require MFA won’t be usable from this
                terminal.{" "}
                <a
                  className="font-medium underline"
                  href={`/api/auth/step-up?returnTo=${encodeURIComponent(returnTo)}`}
                >
                  Sign in again with MFA first
                </a>
                .
              </p>
            )}
            {hintRefusal === null ? (
              <DeviceDecision code={pending.userCode} />
            ) : (
              <p
                role="alert"
                className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
                data-testid="device-other-person"
              >
                {hintRefusal}
              </p>
            )}
          </section>
        ) : (
          <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            {refusal !== null && (
              <p
                id={CODE_ERROR_ID}
                role="alert"
                className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
                data-testid="device-unknown"
              >
                {refusal}
              </p>
            )}
            <form method="get" action="/device" className="flex flex-wrap items-end gap-2">
              <label className="flex flex-col text-sm">
                <span className="mb-1 text-slate-600">Code from your terminal</span>
                {/* The page's one task: the field has focus, and a refusal is read out with it. */}
                <input
                  name="code"
                  autoFocus
                  aria-invalid={refusal !== null ? true : undefined}
                  aria-describedby={refusal !== null ? CODE_ERROR_ID : undefined}
                  defaultValue={typed}
                  autoComplete="off"
                  autoCapitalize="characters"
                  spellCheck={false}
                  placeholder="BCDF-GHJK"
                  maxLength={16}
                  className="rounded-md border border-slate-300 px-3 py-2 font-mono tracking-widest uppercase"
                  data-testid="device-code-input"
                />
              </label>
              <button
                type="submit"
                className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
              >
                Continue
              </button>
            </form>
          </section>
        )}
        <p className="text-sm text-slate-600">
          See and revoke the terminals signed in as you on{" "}
          <Link href="/cli-sessions" className="text-indigo-700 underline">
            CLI sessions
          </Link>
          .
        </p>
      </div>
    </PageFrame>
  );
}

const CODE_ERROR_ID = "device-code-error";

/** The pending sign-in a typed code names, or what to tell the person instead (nothing if blank). */
async function lookUp(
  typed: string,
  user: SignedInUser,
): Promise<
  { pending: PendingDeviceAuthorization; refusal: null } | { pending: null; refusal: string | null }
> {
  if (typed.trim() === "") return { pending: null, refusal: null };
  try {
    const found = await findPendingDeviceAuthorization(
      getDb(),
      { typedCode: typed, user, limits: getConfig().rateLimits },
      currentTime(),
    );
    return "pending" in found
      ? { pending: found.pending, refusal: null }
      : { pending: null, refusal: USER_CODE_REFUSALS[found.refused] };
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    return {
      pending: null,
      refusal: `Too many codes were looked up from your account. Wait ${error.retryAfterSeconds ?? 60} seconds, then try again.`,
    };
  }
}
