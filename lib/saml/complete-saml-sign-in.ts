import "server-only";
import { mfaEvidenceFromSamlContext } from "@/lib/auth/mfa-evidence";
import { SignInIdpWithdrawn, startSignedInSession } from "@/lib/auth/start-signed-in-session";
import { sessionTagsFromClaims } from "@/lib/aws/session-tags";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { safeReturnPath } from "@/lib/http/return-path";
import { linkByEmailPolicyOf } from "@/lib/people/link-by-email";
import { upsertSignedInUser } from "@/lib/users/upsert-signed-in-user";
import { consumeAuthnRequest } from "./authn-requests";
import { type SamlIdpConfig } from "./idp-registry";
import { rememberAssertionOnce } from "./replay-cache";
import { identityFromAssertion } from "./saml-identity";
import { recordSamlRefusal } from "./record-saml-refusal";
import { SamlRejection } from "./types";
import {
  assertionExpiry,
  verifiedAuthnContextClassRefs,
  verifiedSessionHandle,
} from "./verify-response";
import { verifyPostedResponse } from "./verify-posted-response";

export interface SamlSignInResult {
  sessionId: string;
  expiresAt: Date;
  returnTo: string;
}

/**
 * Turns a posted SAMLResponse into a portal session, enforcing every rule of the SP: size caps and
 * XML safety, signature by the configured IdP's certificates only, values from the signed assertion
 * only, audience/destination/recipient, time windows, InResponseTo bound to this browser (or an
 * allowed IdP-initiated sign-in), and one use per assertion. Every refusal is audited with its
 * specific reason; the caller shows the user a generic message.
 * @throws SamlRejection (after auditing it)
 */
export async function completeSamlSignIn(args: {
  db: Db;
  config: AppConfig;
  /** Reads the posted SAMLResponse (inside the audited path, so even an oversized POST is recorded). */
  readSamlResponse: () => Promise<string>;
  bindingValue: string | undefined;
  meta: RequestMeta;
  now: Date;
}): Promise<SamlSignInResult> {
  const { db, config, meta, now } = args;
  const found: { idp: SamlIdpConfig | null } = { idp: null };
  try {
    const samlResponse = await args.readSamlResponse();
    const { idp, assertion, time } = await verifyPostedResponse({
      db,
      config,
      samlResponse,
      expect: {
        audience: config.saml.spEntityId,
        recipients: [config.saml.acsUrl],
        target: "portal",
      },
      now,
      found,
    });

    let returnTo = "/accounts";
    if (assertion.inResponseTo !== null) {
      ({ returnTo } = await consumeAuthnRequest(db, assertion.inResponseTo, {
        idpId: idp.id,
        purpose: "login",
        bindingValue: args.bindingValue,
        now,
      }));
    } else if (!idp.allowIdpInitiated) {
      throw new SamlRejection(
        "unsolicited_not_allowed",
        `IdP-initiated sign-in is disabled for ${idp.slug}`,
      );
    }
    await rememberAssertionOnce(db, {
      issuer: idp.entityId,
      assertionId: assertion.assertionId,
      expiresAt: assertionExpiry(assertion, time),
      now,
    });

    const identity = identityFromAssertion(assertion, idp);
    const user = await upsertSignedInUser(db, identity, now, linkByEmailPolicyOf(config));
    const evidence = mfaEvidenceFromSamlContext(
      verifiedAuthnContextClassRefs(assertion),
      config.mfa,
    );
    const session = await startSignedInSession(db, {
      user,
      signedInThrough: { method: "saml", samlIdpId: idp.id },
      now,
      maxAgeSeconds: config.sessionMaxAgeSeconds,
      notAfter: assertion.sessionNotOnOrAfter,
      evidence,
      tags: sessionTagsFromClaims(config.sessionTags, assertion.attributes),
      meta,
      details: {
        idp: idp.slug,
        idpInitiated: assertion.inResponseTo === null,
        assertionId: assertion.assertionId.slice(0, 128),
      },
      // What a LogoutRequest must repeat when this session signs out (docs/SINGLE-LOGOUT.md).
      singleLogout: { method: "saml", idpId: idp.id, ...verifiedSessionHandle(assertion) },
    });
    return {
      sessionId: session.id,
      expiresAt: session.expiresAt,
      returnTo: safeReturnPath(returnTo),
    };
  } catch (caught) {
    // Disabled (or re-keyed) after the check above: refused as an IdP the portal doesn't know.
    const error =
      caught instanceof SignInIdpWithdrawn
        ? new SamlRejection(
            "unknown_idp",
            `${found.idp?.slug ?? "the IdP"} was disabled, or changed its entity ID, during the sign-in`,
          )
        : caught;
    await recordSamlRefusal({
      db,
      error,
      idp: found.idp,
      action: "auth.sign-in-failed",
      what: "SAML sign-in",
      meta,
      now,
    });
    throw error;
  }
}
