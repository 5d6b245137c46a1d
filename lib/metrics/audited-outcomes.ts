import { metrics } from "./registry";

const ISSUANCE_OUTCOMES: Record<string, { output: string; outcome: string }> = {
  "credentials.issued": { output: "cli", outcome: "issued" },
  "console.issued": { output: "console", outcome: "issued" },
  "credentials.failed": { output: "cli", outcome: "failed" },
  "console.failed": { output: "console", outcome: "failed" },
};

/**
 * Counts what an audit event records, for /api/metrics (docs/OPERATIONS.md "Metrics"). Fed from
 * the audit writer, so the counters agree with the audit log by construction; called for every
 * anonymous refusal too, including those the audit log aggregates.
 */
export function countAuditedOutcome(input: {
  action: string;
  outcome: string;
  details?: Record<string, unknown>;
}): void {
  const m = metrics();
  const issuance = ISSUANCE_OUTCOMES[input.action];
  if (issuance) return m.issuances.inc(issuance);
  const details = input.details ?? {};
  switch (input.action) {
    case "access.denied":
      // An issuance names its output; a refused AWS-targeted SAML assertion (the relay) asks for
      // no credentials, so it is no issuance.
      if (details.output === "cli" || details.output === "console")
        m.issuances.inc({ output: details.output, outcome: "denied" });
      return;
    case "auth.sign-in":
      m.signIns.inc({ method: labelOf(details.method), outcome: "success" });
      return;
    case "auth.sign-in-failed":
      m.signIns.inc({ method: labelOf(details.method), outcome: "failed" });
      return;
    case "cli.token-issued":
      // Denied when the approving browser session ended before the CLI collected its token.
      m.signIns.inc({ method: "cli", outcome: input.outcome === "success" ? "success" : "failed" });
      return;
    case "cli.device-denied":
      // The person refused the CLI's sign-in on the approval page.
      m.signIns.inc({ method: "cli", outcome: "failed" });
      return;
  }
}

/** A sign-in method label from a small known set; anything else is "other" (bounded cardinality). */
function labelOf(value: unknown): string {
  return typeof value === "string" && /^(oidc|saml)$/.test(value) ? value : "other";
}
