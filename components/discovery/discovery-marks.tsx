import { accountStatusGrants } from "@/lib/discovery/changes";
import { organizationStatusLabel } from "./discovery-wording";
import { UtcTime } from "../utc-time";

const MARK =
  "inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

/**
 * A badge for an account AWS Organizations reports other than active: red when its roles grant
 * nothing (roleIsUsable), amber when it left the organization (its roles still grant); else nothing.
 */
export function OrganizationStatusBadge({
  status,
  className = "",
}: {
  status: string;
  className?: string;
}) {
  if (status === "" || status === "ACTIVE") return null;
  const grants = accountStatusGrants(status);
  return (
    <span
      className={`${MARK} ${grants ? "bg-amber-50 text-amber-800 ring-amber-600/30" : "bg-red-50 text-red-700 ring-red-600/30"} ${className}`}
      title={
        grants
          ? "Discovery no longer finds it in the organization; its roles still grant"
          : "Its roles grant nothing while it is in this state"
      }
      data-testid="account-organization-status"
      data-status={status}
    >
      {organizationStatusLabel(status)}
    </span>
  );
}

/** "gone from AWS since …" and "portal can't assume it", for a role that discovery marked. */
export function RoleDiscoveryMarks({
  missingSince,
  trustStatus,
  className = "",
}: {
  missingSince: Date | null;
  trustStatus: string;
  className?: string;
}) {
  if (missingSince === null && trustStatus !== "untrusted") return null;
  return (
    <span className={`inline-flex flex-wrap gap-1.5 ${className}`}>
      {missingSince !== null && (
        <span
          className={`${MARK} bg-red-50 text-red-700 ring-red-600/30`}
          data-testid="role-missing"
        >
          gone from AWS since <UtcTime value={missingSince} form="date" /> — grants nothing
        </span>
      )}
      {trustStatus === "untrusted" && (
        <span
          className={`${MARK} bg-amber-50 text-amber-800 ring-amber-600/30`}
          data-testid="role-untrusted"
        >
          portal can&apos;t assume it
        </span>
      )}
    </span>
  );
}
