import "server-only";
import type { NextRequest } from "next/server";
import type { AppConfig } from "@/lib/config";
import { readFormBody } from "@/lib/http/request-body";
import { isAppError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { findSamlIdpByEntityId, type SamlIdpConfig } from "./idp-registry";
import { peekIssuer } from "./peek-issuer";
import {
  SamlRejection,
  type AudienceExpectation,
  type TimeRules,
  type VerifiedAssertion,
} from "./types";
import { verifySamlResponse } from "./verify-response";
import { decodePostBinding } from "./xml-safety";

/** Caps on what the ACS and the relay will even look at. A real Response is a few KiB. */
export const MAX_ENCODED_RESPONSE_BYTES = 256 * 1024;
export const MAX_RESPONSE_XML_BYTES = 192 * 1024;
/** Form encoding can triple base64's "+", "/" and "=": room for that, and a RelayState. */
const MAX_POST_BODY_BYTES = 3 * MAX_ENCODED_RESPONSE_BYTES + 8 * 1024;

/**
 * The SAMLResponse field of an HTTP-POST binding, read with a cap. Failures are SamlRejections so
 * that they are audited like every other refusal.
 * @throws SamlRejection message_too_large | not_base64
 */
export async function readPostedSamlResponse(request: NextRequest): Promise<string> {
  const form = await readPostedSamlForm(request);
  const value = form.get("SAMLResponse");
  if (!value) throw new SamlRejection("not_base64", "no SAMLResponse field");
  return value;
}

/**
 * The form of an HTTP-POST binding, read with the same cap.
 * @throws SamlRejection message_too_large | not_base64
 */
export async function readPostedSamlForm(request: NextRequest): Promise<URLSearchParams> {
  try {
    return await readFormBody(request, MAX_POST_BODY_BYTES);
  } catch (error) {
    if (isAppError(error) && error.code === "payload_too_large") {
      throw new SamlRejection("message_too_large", `POST body over ${MAX_POST_BODY_BYTES} bytes`);
    }
    throw new SamlRejection("not_base64", "not a form post");
  }
}

/**
 * The steps every posted SAMLResponse goes through, for the sign-in ACS and the AWS relay alike:
 * size caps and base64, XML safety, the IdP its (untrusted) Issuer names — which only selects the
 * certificates to try — then the full verifier with the expected audience. `found.idp` is set as
 * soon as the IdP is known, so a caller's audit record can name it even when verification fails.
 * @throws SamlRejection
 */
export async function verifyPostedResponse(args: {
  db: Db;
  config: AppConfig;
  samlResponse: unknown;
  expect: AudienceExpectation;
  now: Date;
  found: { idp: SamlIdpConfig | null };
}): Promise<{ idp: SamlIdpConfig; assertion: VerifiedAssertion; time: TimeRules }> {
  const { db, config, now } = args;
  if (typeof args.samlResponse !== "string" || args.samlResponse === "") {
    throw new SamlRejection("not_base64", "no SAMLResponse field");
  }
  const xml = decodePostBinding(args.samlResponse, {
    maxEncodedBytes: MAX_ENCODED_RESPONSE_BYTES,
    maxXmlBytes: MAX_RESPONSE_XML_BYTES,
  });
  const claimedIssuer = peekIssuer(xml);
  const idp = await findSamlIdpByEntityId(db, claimedIssuer);
  if (!idp) {
    throw new SamlRejection(
      "unknown_idp",
      `no enabled IdP with entityID ${claimedIssuer.slice(0, 200)}`,
    );
  }
  args.found.idp = idp;
  const time = {
    now,
    skewSeconds: config.saml.clockSkewSeconds,
    maxAgeSeconds: config.saml.maxAssertionAgeSeconds,
  };
  const assertion = verifySamlResponse(xml, {
    idp: {
      entityId: idp.entityId,
      signingCertificates: idp.signingCertificates,
      requireSignedResponse: idp.requireSignedResponse,
    },
    expect: args.expect,
    time,
  });
  return { idp, assertion, time };
}
