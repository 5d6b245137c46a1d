/**
 * A discovery change in one line of words, the same for the CLI's printed diff, the audit details
 * and the tests (docs/DISCOVERY.md).
 */
import type { DiscoveryChange, ProposedRole } from "./changes";
import type { TrustVerdict } from "./trust-policy";

export function describeTrust(trust: TrustVerdict): string {
  switch (trust.kind) {
    case "broker":
      return [
        "broker",
        ...(trust.requiresMfa ? ["needs the broker's MFA session"] : []),
        ...(trust.requiresExternalId ? ["needs an external id: set it on the role"] : []),
      ].join(", ");
    case "saml":
      return `SAML via ${trust.samlProviderArn}`;
    case "untrusted":
      return `the portal cannot assume it: ${trust.reason}`;
  }
}

function role(r: ProposedRole): string {
  return `${r.name} (${describeTrust(r.trust)}; up to ${r.maxSessionDurationSeconds} s)`;
}

export function describeChange(c: DiscoveryChange): string {
  switch (c.kind) {
    case "account-new":
      return `+ account ${c.accountId} ${c.name} [${c.environment}] in ${c.path}${c.status === "ACTIVE" ? "" : ` (${c.status})`}: ${
        c.roles.length === 0
          ? c.rolesError
            ? `roles not read (${c.rolesError})`
            : "no role the portal can assume"
          : `${c.roles.length} role(s): ${c.roles.map(role).join("; ")}`
      }`;
    case "account-renamed":
      return `~ account ${c.accountId} renamed: ${c.from} → ${c.to}`;
    case "account-status":
      return `! account ${c.accountId} ${c.accountName}: ${c.from || "unknown"} → ${c.to}${c.ruleCount > 0 ? ` (${c.ruleCount} access rule(s) affected)` : ""}`;
    case "account-details": {
      const parts = [
        ...(c.environment ? [`environment ${c.environment.from} → ${c.environment.to}`] : []),
        ...(c.path ? [`OU path ${c.path.from || "(none)"} → ${c.path.to}`] : []),
        ...(c.tags ? ["tags changed"] : []),
      ];
      return `~ account ${c.accountId} ${c.accountName}: ${parts.join(", ")}`;
    }
    case "role-new":
      return `+ role ${c.role.arn} in ${c.accountName}: ${describeTrust(c.role.trust)}`;
    case "role-gone":
      return `- role ${c.arn} is gone from AWS: marked, ${c.ruleCount} access rule(s) stop granting`;
    case "role-returned":
      return `+ role ${c.arn} is back in AWS: its rules grant again`;
    case "role-changed":
      return `~ role ${c.arn}: ${c.fields.map((f) => `${f.field} ${String(f.from)} → ${String(f.to)}`).join(", ")}${
        c.trust.kind === "untrusted" ? ` — ${describeTrust(c.trust)}` : ""
      }`;
  }
}
