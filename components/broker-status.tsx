import type { FederationHealth } from "@/lib/aws/federation-health";
import type { BrokerStatus } from "@/lib/aws/broker-status";
import { formatUtc } from "./utc-time";

/** UTC, to the second (the broker's health changes by the second), as the other pages write it. */
function utc(at: Date | number | null): string {
  if (at === null) return "—";
  return formatUtc(new Date(at), "second");
}

function Row({
  label,
  children,
  testId,
}: {
  label: string;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <div className="grid grid-cols-3 gap-4 px-4 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="col-span-2 wrap-anywhere text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Who the broker is, how it signs, and whether its sessions are capped by role chaining. */
export function BrokerIdentityPanel({ status }: { status: BrokerStatus }) {
  const { identity, identityError, roleChaining, session } = status;
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white shadow-sm"
      data-testid="broker-identity"
    >
      <h2 className="border-b border-slate-100 px-4 py-3 font-semibold">Identity</h2>
      {identityError && (
        <p
          role="alert"
          className="mx-4 mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
          data-testid="broker-identity-error"
        >
          GetCallerIdentity failed: {identityError.message}
        </p>
      )}
      <dl className="divide-y divide-slate-100">
        <Row label="ARN" testId="broker-arn">
          <code className="font-mono text-xs">{identity?.arn ?? "unknown"}</code>
        </Row>
        <Row label="Account">{identity?.account ?? "unknown"}</Row>
        <Row label="Credentials" testId="broker-credential-source">
          {status.credentialSource}
        </Row>
        <Row label="GetSessionToken exchange" testId="broker-session">
          {session.isUsed
            ? session.expiresAt
              ? `in use: session ${session.accessKeyId ?? ""} expires ${utc(session.expiresAt)} (renewed 5 min before)`
              : "in use: exchanged on the next call"
            : `not used: ${session.reason ?? ""}`}
        </Row>
        <Row label="Role chaining" testId="broker-chaining">
          <span className={roleChaining.isRoleChained ? "font-medium text-amber-800" : undefined}>
            {roleChaining.explanation}
          </span>
        </Row>
        <Row label="Checked">{utc(status.checkedAt)}</Row>
      </dl>
    </section>
  );
}

/** Per-endpoint health, in the configured order. */
export function BrokerEndpointTable({ status }: { status: BrokerStatus }) {
  const now = status.checkedAt.getTime();
  return (
    <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <h2 className="border-b border-slate-100 px-4 py-3 font-semibold">STS endpoints</h2>
      <p className="px-4 pt-2 text-xs text-slate-500">
        Tried in this order, {status.policy.attemptsPerEndpoint} attempt
        {status.policy.attemptsPerEndpoint === 1 ? "" : "s"} each on network errors, 5xx and
        throttling ({status.policy.timeoutMs} ms per attempt, jittered backoff from{" "}
        {status.policy.backoffBaseMs} ms, at most {status.policy.budgetMs} ms per call). An endpoint
        failing {status.policy.circuitThreshold} times in a row is tried last for{" "}
        {Math.round(status.policy.circuitCooldownMs / 1000)} s. Health is this server&apos;s view
        since it started.
      </p>
      {/* Nine columns: on a narrow screen the table scrolls sideways inside the card. */}
      <div className="relative mt-2 overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid="endpoint-table">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-3 py-2">#</th>
              <th className="px-3 py-2">Endpoint (region it is signed for)</th>
              <th className="px-3 py-2">State</th>
              <th className="px-3 py-2">Last success</th>
              <th className="px-3 py-2">Last failure</th>
              <th className="px-3 py-2">Failures in a row</th>
              <th className="px-3 py-2">Last error</th>
              <th className="px-3 py-2">p50 latency</th>
              <th className="px-3 py-2">Attempts / failed</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {status.endpoints.map((e) => {
              const state =
                e.configurationProblem !== null
                  ? "misconfigured"
                  : e.circuitOpenUntil !== null
                    ? `tried last until ${utc(e.circuitOpenUntil)}`
                    : e.consecutiveFailures > 0
                      ? "failing"
                      : e.lastSuccessAt !== null
                        ? "healthy"
                        : "not used yet";
              return (
                <tr key={e.url} data-testid="endpoint-row">
                  <td className="px-3 py-2">{e.position + 1}</td>
                  <td className="px-3 py-2 font-mono text-xs wrap-anywhere">
                    {/* Named by its region first, as GATEHOUSE_STS_ENDPOINTS and the demo's
                        start-up message name them; requests to it are signed for that region. */}
                    <span
                      className="block font-sans text-sm font-medium text-slate-900"
                      data-testid="endpoint-name"
                    >
                      {e.region}
                    </span>
                    {e.url}
                    {e.configurationProblem !== null && (
                      <p
                        className="mt-1 font-sans text-xs text-red-700"
                        data-testid="endpoint-configuration-problem"
                      >
                        Configuration problem, not an outage: {e.configurationProblem}
                      </p>
                    )}
                  </td>
                  <td
                    className={`px-3 py-2 whitespace-nowrap ${e.consecutiveFailures > 0 ? "text-red-700" : "text-emerald-700"}`}
                  >
                    {state}
                  </td>
                  <td className="px-3 py-2 text-xs whitespace-nowrap">{utc(e.lastSuccessAt)}</td>
                  <td className="px-3 py-2 text-xs whitespace-nowrap">{utc(e.lastFailureAt)}</td>
                  <td className="px-3 py-2">{e.consecutiveFailures}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.lastErrorCode ?? "—"}</td>
                  <td className="px-3 py-2">
                    {e.p50LatencyMs === null ? "—" : `${e.p50LatencyMs} ms`}
                  </td>
                  <td className="px-3 py-2">
                    {e.attempts} / {e.failures}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="px-4 py-2 text-xs text-slate-500">As of {utc(now)}.</p>
    </section>
  );
}

/** The console federation endpoint: where sign-in tokens come from, and its last refusal. */
export function BrokerFederationPanel({
  endpoint,
  partitionName,
  health,
}: {
  endpoint: string;
  partitionName: string;
  health: FederationHealth;
}) {
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white shadow-sm"
      data-testid="broker-federation"
    >
      <h2 className="border-b border-slate-100 px-4 py-3 font-semibold">Console sign-in</h2>
      <dl className="divide-y divide-slate-100">
        <Row label="Federation endpoint">
          <code className="font-mono text-xs">{endpoint}</code> ({partitionName})
        </Row>
        <Row label="Last sign-in token">{utc(health.lastSuccessAt)}</Row>
        <Row label="Last refusal" testId="broker-federation-refusal">
          {health.lastRefusal ? (
            <span className="text-red-800">
              {utc(health.lastRefusal.at)}: {health.lastRefusal.reason}
            </span>
          ) : (
            "none since this server started"
          )}
        </Row>
      </dl>
    </section>
  );
}
