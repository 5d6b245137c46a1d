import "server-only";
import { AppError, isAppError } from "@/lib/errors";

/** What an AssumeRole carried and how it was signed, as far as AWS's refusals depend on it. */
export interface AssumeRoleSent {
  /**
   * Signed with the broker's own role-session credentials: the new session inherits that
   * session's transitive tags and source identity, which the portal cannot read (AWS shows them
   * only in CloudTrail).
   */
  isChained: boolean;
  tagCount: number;
}

const SETTINGS_HINT =
  "An administrator can rename or drop the session tag (GATEHOUSE_SESSION_TAGS), or stop the broker's own role session from passing tags on (TransitiveTagKeys when the broker's role is assumed).";

/**
 * Rewords AWS's refusal of a broker AssumeRole when its cause lies where AWS's code alone does not
 * say: the session tags (InvalidParameterValue; the portal checks its own tags before sending, so
 * what is left is a clash with, or the count of, tags inherited through role chaining), the packed
 * size with inherited tags, and a source identity the broker's own session already fixed (AWS
 * never lets it change along a chain; docs/AWS.md "Session tags and role chaining"). The AWS error
 * code, internal reason and cause are kept; anything else is returned unchanged.
 */
export function explainAssumeRoleRefusal(error: unknown, sent: AssumeRoleSent): unknown {
  if (!isAppError(error) || error.code !== "aws_refused") return error;
  const code = error.awsErrorCode;
  const reword = (message: string) =>
    new AppError("aws_refused", `${message} (AWS error ${code ?? "unknown"})`, {
      awsErrorCode: code,
      internalReason: error.internalReason,
      cause: error.cause,
    });
  if (code === "InvalidParameterValue" && sent.tagCount > 0) {
    return reword(
      sent.isChained
        ? `AWS refused the session tags the portal sends for you. The portal's broker runs on role credentials whose session passes tags on to every role it assumes: AWS refuses a session tag with the same key as one of those (whatever its value) and counts them toward its limit of 50 tags. ${SETTINGS_HINT}`
        : "AWS refused the session tags the portal sends for you; an administrator can see AWS's reason in the audit log.",
    );
  }
  if (code === "PackedPolicyTooLarge" && sent.isChained) {
    return reword(
      `The session tags and session policy, together with the tags the broker's own role session passes on, are too large for AWS's packed-size limit; ask an administrator to shorten the session policy or map fewer or shorter session tags. ${SETTINGS_HINT}`,
    );
  }
  if (code === "AccessDenied" && sent.isChained && deniesSourceIdentity(error.internalReason)) {
    return reword(
      "AWS refused the source identity the portal sets on every session. Either the role's trust policy (or the broker's permission policy) does not allow sts:SetSourceIdentity, or the broker's own role session already carries a source identity, which AWS never lets a later session in the chain change: an administrator must run the broker on credentials without one.",
    );
  }
  return error;
}

/** AWS names the refused action in AccessDenied's message, kept in the internal reason. */
function deniesSourceIdentity(reason: string | undefined): boolean {
  return /not authorized to perform: sts:SetSourceIdentity\b/.test(reason ?? "");
}
