import { randomUUID } from "node:crypto";

import {
  IdentityProvider,
  ServiceProvider,
  type IdentityProviderInstance,
  type ServiceProviderInstance,
} from "samlify";

import type { DemoUser } from "../demo-users";
import { NAME_ID_FORMATS, POST_BINDING, type IssuedNameIdFormat } from "./authn-request";
import type { SamlSigningKeys } from "./keys";
import { SAML_PASSWORD_CONTEXT } from "../oidc-idp/mfa";
import {
  AUTHN_FAILED_TEMPLATE,
  failureStatusUri,
  fillTemplate,
  type FailureStatus,
  inResponseToAttribute,
  LOGIN_RESPONSE_TEMPLATE,
  renderAttributes,
} from "./response-template";

const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/** Conditions and SubjectConfirmationData lifetime: the bearer window an SP accepts it in. */
const ASSERTION_LIFETIME_SECONDS = 5 * 60;

/** What the signer needs of a SamlIdpApp. */
export interface ResponseTarget {
  id: string;
  spEntityId: string;
  acsUrl: string;
  audienceOverride?: string;
  recipientOverride?: string;
  destinationOverride?: string;
  attributesFor?: (user: DemoUser) => Record<string, string[]>;
}

export interface IdpSessionFacts {
  /** When the user typed their password (AuthnInstant). */
  authenticatedAt: Date;
  sessionIndex: string;
}

export interface LoginResponseInput {
  target: ResponseTarget;
  user: DemoUser;
  session: IdpSessionFacts;
  /** The AuthnRequest ID; absent for an IdP-initiated (unsolicited) response. */
  inResponseTo?: string;
  nameIdFormat: IssuedNameIdFormat;
  /** The AuthnStatement's AuthnContextClassRef; default PasswordProtectedTransport. */
  authnContextClassRef?: string;
}

export interface ResponseSignerOptions {
  entityId: string;
  ssoUrl: string;
  /** The IdP's SingleLogoutService (HTTP-Redirect), advertised in its metadata; null: none. */
  sloUrl?: string | null;
  keys: SamlSigningKeys;
  groupsAttribute: string;
  sessionNotOnOrAfterSeconds: number;
  signResponse: boolean;
  /** Every response carries a fresh transient NameID, whatever was asked (SimpleSAMLphp's default). */
  transientNameIds?: boolean;
  /** The user's attributes instead of the built-in email, name and uid (e.g. OID names). */
  userAttributes?: (user: DemoUser) => Record<string, string[]>;
  now?: () => Date;
}

/** Attribute names the IdP always fills; neither the groups attribute nor attributesFor may reuse them. */
export const BUILT_IN_ATTRIBUTES = ["email", "name", "uid"] as const;

/**
 * Builds and signs SAML Responses with samlify: `createLoginResponse` with this module's template
 * (filled by `customTagReplacement`), which signs the Assertion (signature after its Issuer) and,
 * when `signResponse`, the Response too — RSA-SHA256, SHA-256 digests, exclusive C14N.
 */
export class ResponseSigner {
  readonly #options: ResponseSignerOptions;
  readonly #idp: IdentityProviderInstance;
  readonly #spEntities = new Map<
    string,
    { assertion: ServiceProviderInstance; status: ServiceProviderInstance }
  >();
  readonly #now: () => Date;

  constructor(options: ResponseSignerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    const sloUrl = options.sloUrl ?? null;
    this.#idp = withoutSloWarning(() =>
      IdentityProvider({
        entityID: options.entityId,
        privateKey: options.keys.privateKeyPem,
        signingCert: options.keys.certificatePem,
        requestSignatureAlgorithm: RSA_SHA256,
        wantAuthnRequestsSigned: false,
        nameIDFormat: options.transientNameIds
          ? [NAME_ID_FORMATS.transient]
          : [NAME_ID_FORMATS.emailAddress, NAME_ID_FORMATS.persistent],
        singleSignOnService: [
          { Binding: REDIRECT_BINDING, Location: options.ssoUrl },
          { Binding: POST_BINDING, Location: options.ssoUrl },
        ],
        ...(sloUrl
          ? {
              singleLogoutService: [{ Binding: REDIRECT_BINDING, Location: sloUrl }],
              // The schema's sequence (saml-metadata §2.4.2, §2.4.3): SLO before NameIDFormat.
              elementsOrder: [
                "KeyDescriptor",
                "SingleLogoutService",
                "NameIDFormat",
                "SingleSignOnService",
              ],
            }
          : {}),
        // `attributes: []` keeps samlify from warning; this template has no {AttributeStatement}
        // placeholder for it to expand (it can't express multi-valued attributes).
        loginResponseTemplate: { context: LOGIN_RESPONSE_TEMPLATE, attributes: [] },
      }),
    );
  }

  /** samlify's IdP metadata: entityID, both SSO bindings, the signing certificate, NameID formats. */
  get metadataXml(): string {
    return this.#idp.getMetadata();
  }

  /**
   * A signed Response with one signed Assertion for `user`, addressed to `target`.
   *
   * @throws TypeError when attributesFor returns a reserved name or a non-string value.
   */
  async loginResponse(input: LoginResponseInput): Promise<string> {
    const { target, user, session, inResponseTo } = input;
    const nameIdFormat = this.#options.transientNameIds ? "transient" : input.nameIdFormat;
    const now = this.#now();
    const values: Record<string, string> = {
      ...this.#envelope(target, now),
      AssertionID: newId(),
      NameIDFormat: NAME_ID_FORMATS[nameIdFormat],
      NameID: {
        persistent: user.subject,
        emailAddress: user.email,
        // One-time: a new opaque value in every response, as transient NameIDs are.
        transient: newId(),
      }[nameIdFormat],
      NotOnOrAfter: addSeconds(now, ASSERTION_LIFETIME_SECONDS),
      Recipient: target.recipientOverride ?? target.acsUrl,
      Audience: target.audienceOverride ?? target.spEntityId,
      AuthnInstant: session.authenticatedAt.toISOString(),
      SessionIndex: session.sessionIndex,
      SessionNotOnOrAfter: addSeconds(now, this.#options.sessionNotOnOrAfterSeconds),
      AuthnContextClassRef: input.authnContextClassRef ?? SAML_PASSWORD_CONTEXT,
    };
    const markup = {
      InResponseToAttribute: inResponseToAttribute(inResponseTo),
      Attributes: renderAttributes(this.#attributesFor(target, user)),
    };
    return this.#sign(this.#entitiesFor(target).assertion, (template) =>
      fillTemplate(template, values, markup),
    );
  }

  /**
   * A signed Response with status Responder/AuthnFailed (the user cancelled, or failed the code
   * step) or Responder/NoAuthnContext (the requested authentication context can't be met), and
   * no Assertion.
   */
  async authnFailedResponse(
    target: ResponseTarget,
    inResponseTo: string,
    message: string,
    status: FailureStatus = "authnFailed",
  ): Promise<string> {
    const values = {
      ...this.#envelope(target, this.#now()),
      StatusMessage: message,
      SecondLevelStatus: failureStatusUri(status),
    };
    const markup = { InResponseToAttribute: inResponseToAttribute(inResponseTo) };
    // samlify signs whatever document customTagReplacement returns; for an SP entity that does
    // not want assertions signed it signs the Response only, which is all this one has.
    return this.#sign(this.#entitiesFor(target).status, () =>
      fillTemplate(AUTHN_FAILED_TEMPLATE, values, markup),
    );
  }

  /**
   * The HTTP-Redirect URL of a signed LogoutResponse (status Success) to an app's LogoutRequest:
   * samlify deflates it onto the app's SingleLogoutService and signs the query (RSA-SHA256).
   */
  logoutResponseUrl(
    target: { id: string; spEntityId: string; sloUrl: string },
    opts: { inResponseTo: string; relayState?: string },
  ): string {
    const sp = ServiceProvider({
      entityID: target.spEntityId,
      singleLogoutService: [{ Binding: REDIRECT_BINDING, Location: target.sloUrl }],
      wantLogoutResponseSigned: true,
    });
    const { context } = this.#idp.createLogoutResponse(
      sp,
      { extract: { request: { id: opts.inResponseTo } } },
      "redirect",
      opts.relayState ?? "",
    );
    return context;
  }

  #envelope(target: ResponseTarget, now: Date): Record<string, string> {
    return {
      ResponseID: newId(),
      IssueInstant: now.toISOString(),
      Destination: target.destinationOverride ?? target.acsUrl,
      Issuer: this.#options.entityId,
    };
  }

  async #sign(sp: ServiceProviderInstance, fill: (template: string) => string): Promise<string> {
    const { context } = await this.#idp.createLoginResponse(
      sp,
      { extract: {} },
      "post",
      {},
      { customTagReplacement: (template) => ({ id: "", context: fill(template) }) },
    );
    return context;
  }

  #entitiesFor(target: ResponseTarget) {
    let entities = this.#spEntities.get(target.id);
    if (!entities) {
      const sp = (wantAssertionsSigned: boolean, wantMessageSigned: boolean) =>
        ServiceProvider({
          entityID: target.spEntityId,
          assertionConsumerService: [{ Binding: POST_BINDING, Location: target.acsUrl }],
          wantAssertionsSigned,
          wantMessageSigned,
        });
      entities = { assertion: sp(true, this.#options.signResponse), status: sp(false, true) };
      this.#spEntities.set(target.id, entities);
    }
    return entities;
  }

  #attributesFor(target: ResponseTarget, user: DemoUser): [string, readonly string[]][] {
    const own = this.#options.userAttributes?.(user) ?? {
      email: [user.email],
      name: [user.name],
      uid: [user.subject],
    };
    const attributes: [string, readonly string[]][] = [
      ...Object.entries(own),
      [this.#options.groupsAttribute, user.groups],
    ];
    const reserved = new Set<string>([
      ...BUILT_IN_ATTRIBUTES,
      ...Object.keys(own),
      this.#options.groupsAttribute,
    ]);
    for (const [name, values] of Object.entries(target.attributesFor?.(user) ?? {})) {
      if (reserved.has(name) || !name) {
        throw new TypeError(
          `app ${target.id}: attributesFor returned the reserved or empty name ${JSON.stringify(name)}`,
        );
      }
      if (!Array.isArray(values) || values.some((value) => typeof value !== "string")) {
        throw new TypeError(`app ${target.id}: attributesFor(${name}) must be an array of strings`);
      }
      attributes.push([name, values]);
    }
    // An attribute without values is left out, as IdPs do (carol has no groups attribute at all).
    return attributes.filter(([, values]) => values.length > 0);
  }
}

/** saml-core IDs must be xs:ID (an NCName, so not starting with a digit) and unguessable. */
function newId(): string {
  return `_${randomUUID().replaceAll("-", "")}`;
}

function addSeconds(date: Date, seconds: number): string {
  return new Date(date.getTime() + seconds * 1000).toISOString();
}

/**
 * samlify's IdP metadata builder calls console.warn when there is no SingleLogoutService; an IdP
 * started with `singleLogout: false` has none on purpose. Synchronous, so no other code runs while console.warn is swapped.
 */
function withoutSloWarning<T>(build: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes("missing endpoint of SingleLogoutService")) warn(...args);
  };
  try {
    return build();
  } finally {
    console.warn = warn;
  }
}
