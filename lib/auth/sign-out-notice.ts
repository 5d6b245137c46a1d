/**
 * What the signed-out page says about the identity provider (docs/SINGLE-LOGOUT.md "What the
 * person reads"). The server decides it at sign-out and keeps it in a short-lived, sealed cookie
 * (lib/auth/session-cookie.ts); nothing in the URL alone can make the page claim that the IdP
 * session ended. Pure, no server-only import: unit-tested on its own.
 */

/** What happened to the sign-in at the IdP when the person signed out of the portal. */
export type IdpLogoutState =
  /** Sent to the OIDC end_session_endpoint; confirmed when the browser returns with `state`. */
  | "oidc-sent"
  /** Sent a SAML LogoutRequest; the SLO endpoint turns this into confirmed or unconfirmed. */
  | "saml-sent"
  /** The IdP's signed LogoutResponse said Success. */
  | "saml-confirmed"
  /** The IdP's LogoutResponse was refused, or said the logout failed. */
  | "saml-unconfirmed"
  /** The IdP offers no single logout (no end_session_endpoint / SingleLogoutService). */
  | "unsupported"
  /** GATEHOUSE_SINGLE_LOGOUT=off: the operator leaves IdP sessions alone. */
  | "off"
  /** The IdP's discovery document could not be read at sign-out. */
  | "unavailable";

export interface SignOutNotice {
  /** The IdP's name as the sign-in page shows it. */
  idpName: string;
  state: IdpLogoutState;
  /** OIDC: the `state` sent to the end_session_endpoint, which comes back on the landing URL. */
  logoutState?: string;
}

export interface SignedOutMessage {
  /** "both": signed out of the portal and the IdP; "portal-only": the IdP session lives on. */
  kind: "both" | "portal-only" | "unconfirmed" | "portal";
  text: string;
}

const SHARED_COMPUTER = "sign out there too (or close the browser) on a shared computer.";

/**
 * The sentence the signed-out page shows. `returnedState` is the `state` on the landing URL (the
 * IdP's redirect back after RP-initiated logout); it confirms an OIDC logout only when it equals
 * the one this browser's notice holds.
 */
export function signedOutMessage(
  notice: SignOutNotice | null,
  returnedState: string | null,
): SignedOutMessage {
  if (!notice) return { kind: "portal", text: "You are signed out of Gatehouse." };
  const idp = notice.idpName;
  const confirmed =
    notice.state === "saml-confirmed" ||
    (notice.state === "oidc-sent" &&
      notice.logoutState !== undefined &&
      returnedState === notice.logoutState);
  if (confirmed) return { kind: "both", text: `You are signed out of Gatehouse and of ${idp}.` };
  switch (notice.state) {
    case "unsupported":
    case "off":
    case "unavailable":
      return {
        kind: "portal-only",
        text: `You are signed out of Gatehouse. Your sign-in at ${idp} is still active, so signing in again may not ask for your password; ${SHARED_COMPUTER}`,
      };
    default:
      // Sent, but no confirmation came back (refused answer, the IdP said no, or the person
      // came back another way): the portal can't tell whether the IdP session ended.
      return {
        kind: "unconfirmed",
        text: `You are signed out of Gatehouse, but ${idp} did not confirm that it signed you out. Your sign-in there may still be active, so signing in again may not ask for your password; ${SHARED_COMPUTER}`,
      };
  }
}

const STATES: readonly IdpLogoutState[] = [
  "oidc-sent",
  "saml-sent",
  "saml-confirmed",
  "saml-unconfirmed",
  "unsupported",
  "off",
  "unavailable",
];

/** A notice read back from its cookie, or null when it is not one. */
export function parseSignOutNotice(value: unknown): SignOutNotice | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.idpName !== "string" || v.idpName === "" || v.idpName.length > 200) return null;
  const state = STATES.find((s) => s === v.state);
  if (!state) return null;
  return {
    idpName: v.idpName,
    state,
    ...(typeof v.logoutState === "string" ? { logoutState: v.logoutState } : {}),
  };
}
