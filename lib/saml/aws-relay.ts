import "server-only";
import { currentTime } from "@/lib/clock";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import { writeAuditEvent, type AuditEventInput } from "@/lib/audit/write-audit-event";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { log } from "@/lib/log";
import { hashTicket, newTicket, openAssertion, sealAssertion } from "./assertion-vault";
import { parseAwsRoleAttribute, type AwsRolePair } from "./aws-role-attribute";
import {
  assertedRoleSessionName,
  assertedSourceIdentity,
  checkAwsSessionAttributes,
} from "./aws-session-attributes";
import { checkTripRole } from "./aws-trip-role";
import { type SamlIdpConfig } from "./idp-registry";
import { rememberAssertionOnce } from "./replay-cache";
import { identityFromAssertion } from "./saml-identity";
import { SamlRejection, type VerifiedAssertion } from "./types";
import { assertionExpiry } from "./verify-response";
import { verifyPostedResponse } from "./verify-posted-response";

const CLAIM_TICKET_TTL_MS = 2 * 60 * 1000;
/** AWS: "Token must be redeemed within 5 minutes of issuance" (docs/SAML-IDENTITY.md). */
const AWS_REDEEM_WINDOW_MS = 5 * 60 * 1000;
const ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";

function associatedData(id: string): string {
  return `saml-aws-assertion:${id}`;
}

/**
 * The relay endpoint's work: verifies an AWS-targeted assertion from a configured IdP's AWS app
 * with the same rules as a sign-in (Recipient and audience set to AWS's values instead of ours),
 * refuses replays, and holds it encrypted until it expires. The IdP's POST is cross-site and
 * carries no portal session, so it is held under a one-time claim ticket that the signed-in
 * browser redeems (claimAwsAssertion) — which is where the identity match happens.
 * @throws SamlRejection (audited).
 */
export async function holdAwsAssertion(args: {
  db: Db;
  config: AppConfig;
  /** Reads the posted SAMLResponse (inside the audited path, so even an oversized POST is recorded). */
  readSamlResponse: () => Promise<string>;
  meta: RequestMeta;
  now: Date;
}): Promise<{ ticket: string }> {
  const { db, config, meta, now } = args;
  const found: { idp: SamlIdpConfig | null } = { idp: null };
  try {
    const samlResponse = await args.readSamlResponse();
    const { idp, assertion, time } = await verifyPostedResponse({
      db,
      config,
      samlResponse,
      // The partition's AWS SAML endpoint and audience (docs/AWS.md "Partitions"), or the
      // configured override: an assertion for another partition's sign-in is not for us.
      expect: {
        audience: config.aws.saml.audience,
        recipients: config.aws.saml.recipients,
        target: "aws",
      },
      now,
      found,
    });
    const usableUntil = awsUsableUntil(assertion);
    if (usableUntil <= now)
      throw new SamlRejection(
        "expired",
        `AWS would refuse it as expired since ${usableUntil.toISOString()} (no clock skew at AWS)`,
      );
    const expiresAt = assertionExpiry(assertion, time);
    await rememberAssertionOnce(db, {
      issuer: idp.entityId,
      assertionId: assertion.assertionId,
      expiresAt,
      now,
    });
    const { roles, rejected } = parseAwsRoleAttribute(assertion.attributes[ROLE_ATTRIBUTE] ?? []);
    if (rejected.length > 0)
      log.warn("SAML AWS role values skipped", {
        requestId: meta.requestId,
        rejected: rejected.slice(0, 5),
      });
    if (roles.length === 0)
      throw new SamlRejection("missing_attribute", "the assertion grants no AWS role");
    const sessionDurationSeconds = checkAwsSessionAttributes(assertion.attributes);
    const identity = identityFromAssertion(assertion, idp);
    const ticket = newTicket();
    const row = await db.samlAwsAssertion.create({
      data: {
        claimTicketHash: hashTicket(ticket),
        idpId: idp.id,
        issuer: identity.issuer,
        userKey: identity.subject,
        encryptedResponse: "pending",
        rolesJson: JSON.stringify(roles),
        sessionDurationSeconds,
        expiresAt: usableUntil,
      },
    });
    await db.samlAwsAssertion.update({
      where: { id: row.id },
      data: {
        encryptedResponse: sealAssertion(
          config.authSecret,
          heldText({
            samlResponse,
            roleSessionName: assertedRoleSessionName(assertion.attributes),
            sourceIdentity: assertedSourceIdentity(assertion.attributes),
          }),
          associatedData(row.id),
        ),
      },
    });
    await db.samlAwsAssertion.deleteMany({ where: { expiresAt: { lt: now } } });
    return { ticket };
  } catch (error) {
    await auditRefusal(db, meta, found.idp, error);
    throw error;
  }
}

/**
 * Until when AWS takes the assertion: its own NotOnOrAfter (Conditions and SubjectConfirmationData)
 * and AuthnStatement SessionNotOnOrAfter, and 5 minutes after its IssueInstant. Unlike the relay's
 * verification, no clock skew is added: AWS allows none on expiry. Held only until then, so
 * issuance asks for a fresh trip through the AWS app instead of sending STS an assertion it refuses.
 */
function awsUsableUntil(assertion: VerifiedAssertion): Date {
  return new Date(
    Math.min(
      assertion.notOnOrAfter.getTime(),
      assertion.sessionNotOnOrAfter?.getTime() ?? Infinity,
      assertion.issueInstant.getTime() + AWS_REDEEM_WINDOW_MS,
    ),
  );
}

/**
 * Binds a held assertion to the signed-in user's session — only if the assertion is about that
 * same user (same IdP entityID and user key). A ticket is redeemable once, for two minutes.
 * @throws SamlRejection identity_mismatch | unknown_in_response_to | role_not_in_assertion (audited).
 */
export async function claimAwsAssertion(args: {
  db: Db;
  user: SignedInUser;
  ticket: string;
  /** The role the trip was started for (the start route's cookie), or null: checked as listed. */
  tripRoleId: string | null;
  meta: RequestMeta;
  now: Date;
}): Promise<{ roles: AwsRolePair[]; expiresAt: Date }> {
  const { db, user, meta, now } = args;
  try {
    const row = /^[A-Za-z0-9_-]{43}$/.test(args.ticket)
      ? await db.samlAwsAssertion.findUnique({
          where: { claimTicketHash: hashTicket(args.ticket) },
        })
      : null;
    if (
      !row ||
      row.sessionId !== null ||
      row.expiresAt <= now ||
      now.getTime() - row.createdAt.getTime() > CLAIM_TICKET_TTL_MS
    ) {
      throw new SamlRejection("unknown_in_response_to", "unknown, used or expired claim ticket");
    }
    if (row.issuer !== user.issuer || row.userKey !== user.subject) {
      await db.samlAwsAssertion.delete({ where: { id: row.id } });
      throw new SamlRejection(
        "identity_mismatch",
        "the AWS assertion is about another user than the one signed in",
      );
    }
    const claimed = await db.samlAwsAssertion.updateMany({
      where: { id: row.id, sessionId: null },
      data: { sessionId: user.sessionId, claimTicketHash: null },
    });
    if (claimed.count !== 1)
      throw new SamlRejection("unknown_in_response_to", "claim ticket already used");
    const roles = JSON.parse(row.rolesJson) as AwsRolePair[];
    // Stays bound even so: it may list other roles this person uses.
    if (args.tripRoleId !== null)
      await checkTripRole({ db, user, roleId: args.tripRoleId, roles, now });
    return { roles, expiresAt: row.expiresAt };
  } catch (error) {
    await auditRefusal(db, meta, null, error, user);
    throw error;
  }
}

/**
 * The held assertion for this session that grants (roleArn, principalArn), decrypted for the STS
 * call, or null. The pair must match exactly what the verified assertion listed.
 */
export async function findHeldAssertion(
  db: Db,
  secret: string,
  sessionId: string,
  pair: AwsRolePair,
  now: Date,
): Promise<(HeldAssertion & { sessionDurationSeconds: number | null }) | null> {
  const rows = await db.samlAwsAssertion.findMany({
    where: { sessionId, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  for (const row of rows) {
    const roles = JSON.parse(row.rolesJson) as AwsRolePair[];
    if (roles.some((r) => r.roleArn === pair.roleArn && r.principalArn === pair.principalArn)) {
      return {
        ...readHeldText(openAssertion(secret, row.encryptedResponse, associatedData(row.id))),
        sessionDurationSeconds: row.sessionDurationSeconds,
      };
    }
  }
  return null;
}

/**
 * What AWS will name the session a held assertion creates, from its verified attributes: the
 * RoleSessionName (the assumed-role ARN's last part) and the SourceIdentity. Issuance records both
 * in its `*.authorized` event, before STS answers; null when the assertion has none.
 */
export interface AssertedSession {
  roleSessionName: string | null;
  sourceIdentity: string | null;
}

type HeldAssertion = AssertedSession & { samlResponse: string };

/**
 * What is sealed for a held assertion: the SAMLResponse and the session identity its verified
 * assertion carries (AssertedSession). Sealed together, so they are as tamper-proof as the
 * response. A row held before this form is the bare base64 response (never starting with "{"), and
 * one held before SourceIdentity was kept lacks it: what is missing reads as unknown until the
 * row expires, minutes later.
 */
function heldText(held: HeldAssertion): string {
  return JSON.stringify(held);
}

function readHeldText(text: string): HeldAssertion {
  if (!text.startsWith("{"))
    return { samlResponse: text, roleSessionName: null, sourceIdentity: null };
  const held = JSON.parse(text) as Partial<HeldAssertion> & { samlResponse: string };
  return {
    samlResponse: held.samlResponse,
    roleSessionName: held.roleSessionName ?? null,
    sourceIdentity: held.sourceIdentity ?? null,
  };
}

async function auditRefusal(
  db: Db,
  meta: RequestMeta,
  idp: SamlIdpConfig | null,
  error: unknown,
  user?: SignedInUser,
): Promise<void> {
  const rejection = error instanceof SamlRejection ? error : null;
  const reason = rejection?.reason ?? "internal_error";
  const detail = rejection?.detail ?? (error instanceof Error ? error.message : String(error));
  log.warn("SAML AWS assertion refused", {
    requestId: meta.requestId,
    reason,
    detail: detail.slice(0, 500),
  });
  // The relay's POST comes from the IdP with no portal session: anonymous, so aggregated.
  const record = user
    ? (event: AuditEventInput) => writeAuditEvent(db, event)
    : (event: AuditEventInput) => recordAnonymousRefusal(db, event, currentTime());
  await record({
    action: "access.denied",
    outcome: rejection ? "denied" : "error",
    actor: user
      ? {
          userId: user.id,
          issuer: user.issuer,
          subject: user.subject,
          email: user.email,
          groups: user.groups,
        }
      : { userId: null, issuer: idp?.entityId ?? null, subject: null, email: null, groups: null },
    meta,
    details: {
      method: "saml-aws-relay",
      idp: idp?.slug ?? null,
      reason,
      detail: detail.slice(0, 500),
    },
  });
}
