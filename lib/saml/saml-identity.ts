import "server-only";
import type { AssertedIdentity } from "@/lib/users/upsert-signed-in-user";
import type { SamlIdpConfig } from "./idp-registry";
import { NAME_ID_FORMAT, pickDisplayName, pickEmail } from "./saml-attributes";
import { SamlRejection, type VerifiedAssertion } from "./types";

const MAX_GROUPS = 500;

/**
 * The portal identity a verified assertion stands for (docs/SAML-IDENTITY.md). The user key is
 * (IdP entityID, NameID) — or a configured attribute instead of the NameID — so two IdPs
 * asserting the same email are two users. A transient NameID is a new value at every sign-in, so
 * it is never a user key: without a user-key attribute such an assertion is refused rather than
 * making a new user each time. Email and display name come from the configured attribute or the
 * common names (saml-attributes.ts); groups from the configured attribute. Anything malformed is
 * refused, not guessed.
 * @throws SamlRejection transient_name_id | missing_user_key | missing_name_id | missing_attribute
 */
export function identityFromAssertion(
  assertion: VerifiedAssertion,
  idp: SamlIdpConfig,
): AssertedIdentity {
  let subject: string | undefined;
  if (idp.userKeyAttribute) {
    subject = assertion.attributes[idp.userKeyAttribute]
      ?.map((v) => v.trim())
      .find((v) => v !== "");
    if (!subject)
      throw new SamlRejection(
        "missing_user_key",
        `user-key attribute ${idp.userKeyAttribute} is missing from the assertion`,
      );
  } else {
    if (assertion.nameIdFormat === NAME_ID_FORMAT.transient)
      throw new SamlRejection("transient_name_id", "transient NameID without a user-key attribute");
    subject = assertion.nameId.trim();
    if (!subject) throw new SamlRejection("missing_name_id", "empty NameID");
  }
  if (subject.length > 255)
    throw new SamlRejection("missing_name_id", "the user key is longer than 255 characters");
  const groups = (assertion.attributes[idp.groupsAttribute] ?? [])
    .map((g) => g.trim())
    .filter((g) => g !== "");
  if (groups.length > MAX_GROUPS || groups.some((g) => g.length > 256)) {
    throw new SamlRejection(
      "missing_attribute",
      `attribute ${idp.groupsAttribute} has too many or too long groups`,
    );
  }
  return {
    issuer: idp.entityId,
    subject,
    email: pickEmail(
      assertion.attributes,
      { value: assertion.nameId, format: assertion.nameIdFormat },
      idp.emailAttribute,
    ),
    displayName: pickDisplayName(assertion.attributes, idp.displayNameAttribute),
    groups: [...new Set(groups)].sort(),
    // The SAML IdP is the directory: what it asserts about the person it vouches for.
    emailVerified: true,
  };
}
