import "server-only";
import type { AssertedIdentity } from "@/lib/users/upsert-signed-in-user";
import type { SamlIdpConfig } from "./idp-registry";
import { SamlRejection, type VerifiedAssertion } from "./types";

const MAX_GROUPS = 500;
const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

/**
 * The portal identity a verified assertion stands for. The user key is (IdP entityID, NameID) —
 * or a configured attribute instead of the NameID — so two IdPs asserting the same email are two
 * users. Groups come from the configured attribute; anything malformed is refused, not guessed.
 * @throws SamlRejection missing_attribute | missing_name_id
 */
export function identityFromAssertion(
  assertion: VerifiedAssertion,
  idp: SamlIdpConfig,
): AssertedIdentity {
  const first = (name: string | null) =>
    name ? assertion.attributes[name]?.find((v) => v.trim() !== "")?.trim() : undefined;
  const subject = idp.userKeyAttribute ? first(idp.userKeyAttribute) : assertion.nameId.trim();
  if (!subject) {
    throw idp.userKeyAttribute
      ? new SamlRejection(
          "missing_attribute",
          `user key attribute ${idp.userKeyAttribute} is missing`,
        )
      : new SamlRejection("missing_name_id", "empty NameID");
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
  const email =
    first(idp.emailAttribute) ?? (EMAIL.test(assertion.nameId) ? assertion.nameId : undefined);
  return {
    issuer: idp.entityId,
    subject,
    email: email && EMAIL.test(email) ? email : null,
    displayName: first(idp.displayNameAttribute)?.slice(0, 200) ?? null,
    groups: [...new Set(groups)].sort(),
    // The SAML IdP is the directory: what it asserts about the person it vouches for.
    emailVerified: true,
  };
}
