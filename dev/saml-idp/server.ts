import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { DemoUser } from "../demo-users";
import { UserDirectory } from "../oidc-idp/accounts";
import { checkSigningKeys, getProcessSigningKeys, type SamlSigningKeys } from "./keys";
import { clip, describeError, writeToStderr, type Log } from "./log";
import { validateOptions } from "./options";
import { DemoTotp } from "../oidc-idp/mfa";
import { ResponseSigner } from "./response";
import { handleRequest, type IdpContext, type RegisteredApp } from "./routes";
import { InteractionStore, SessionStore } from "./sessions";

export {
  AWS_SAML_ATTRIBUTES,
  AWS_SAML_AUDIENCE,
  AWS_SAML_RECIPIENT,
  awsAppAttributes,
  awsDemoApp,
  demoAwsRoles,
} from "./aws-attributes";
export type { AwsAppAttributeOptions, AwsDemoAppOptions, AwsSamlRole } from "./aws-attributes";
export type { SamlSigningKeys } from "./keys";

export interface SamlIdpApp {
  /** Route-safe id, e.g. "gatehouse" (portal login) or "aws" (AWS console/STS federation). */
  id: string;
  /** Shown on the dashboard and the login page. */
  name: string;
  /** The SP's entityID: the AuthnRequest Issuer that selects this app, and the Audience. */
  spEntityId: string;
  /** Where the Response is POSTed: its Destination and its Recipient unless overridden. */
  acsUrl: string;
  /** Response Destination instead of acsUrl (an IdP app can set it apart from where it posts). */
  destinationOverride?: string;
  /** Audience instead of spEntityId, e.g. "urn:amazon:webservices" for the AWS app. */
  audienceOverride?: string;
  /** SubjectConfirmationData Recipient instead of acsUrl, e.g. "https://signin.aws.amazon.com/saml"; still POSTed to acsUrl. */
  recipientOverride?: string;
  /**
   * The app's SingleLogoutService (HTTP-Redirect): where this IdP sends the LogoutResponse to the
   * app's LogoutRequest. Without it the app can't use single logout here.
   */
  sloUrl?: string;
  /** Whether GET /saml/start/:id (and the dashboard) may send it unsolicited responses. */
  allowIdpInitiated: boolean;
  /** Extra attributes per user, e.g. awsAppAttributes(...) for the AWS app. */
  attributesFor?: (user: DemoUser) => Record<string, string[]>;
}

export interface SamlIdp {
  /** `http://<publicHost>:<port>/saml/metadata`: the entityID is where its metadata lives. */
  entityId: string;
  /** `http://<publicHost>:<port>`, no trailing slash; the dashboard is at `${url}/`. */
  url: string;
  /** `${url}/saml/sso`: HTTP-Redirect and HTTP-POST bindings. */
  ssoUrl: string;
  /** `${url}/saml/slo` (HTTP-Redirect), or null when started with `singleLogout: false`. */
  sloUrl: string | null;
  metadataXml: string;
  metadataUrl: string;
  signingCertificatePem: string;
  /** Stops listening and drops open connections. Safe to call more than once. */
  close(): Promise<void>;
}

export interface StartSamlIdpOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Host name in the IdP's URLs (entityID, SSO URL); default "localhost". */
  publicHost?: string;
  users: DemoUser[];
  apps: SamlIdpApp[];
  /** Name of the attribute carrying the user's groups; default "groups". */
  groupsAttribute?: string;
  /** Shown on the IdP's pages; default "Corp Identity (demo) — SAML". */
  title?: string;
  /** Signing key and certificate; default: RSA 2048 + self-signed certificate generated per process. */
  keys?: SamlSigningKeys;
  /** AuthnStatement SessionNotOnOrAfter, seconds after issue; default 8 hours. */
  sessionNotOnOrAfterSeconds?: number;
  /** Sign the Response as well as the Assertion (which is always signed); default true. */
  signResponse?: boolean;
  /**
   * Issue a fresh transient NameID in every response whatever the SP asks for, and advertise only
   * that format, as SimpleSAMLphp does unless told otherwise; default false.
   */
  transientNameIds?: boolean;
  /**
   * The user's attributes instead of the built-in `email`, `name` and `uid` — e.g. the OID names
   * SimpleSAMLphp or Shibboleth send. The groups attribute is still added.
   */
  userAttributes?: (user: DemoUser) => Record<string, string[]>;
  /**
   * Offer single logout: a SingleLogoutService (HTTP-Redirect) in the metadata at /saml/slo, which
   * ends the IdP session an app's LogoutRequest names; default true. False: an IdP without SLO.
   */
  singleLogout?: boolean;
  /** Receives one line per request outcome or error; default: stderr. Never a password or SAML message. */
  log?: Log;
}

const DEFAULT_SESSION_SECONDS = 8 * 60 * 60;

/**
 * Starts a local SAML 2.0 identity provider for demos and tests (never production): the given
 * users sign in with their passwords on this IdP's login page; SP-initiated (HTTP-Redirect or
 * HTTP-POST AuthnRequest) and IdP-initiated sign-in to the given apps, responses delivered with
 * the HTTP-POST binding, assertions signed with samlify; SP-initiated single logout (HTTP-Redirect
 * LogoutRequest and signed LogoutResponse) for apps that register a `sloUrl`. Resolves once the server is listening.
 *
 * @throws TypeError on invalid options (no users or apps, duplicate ids, bad URLs, reserved
 *   groups attribute, unusable keys, …); Error when no key is given and openssl is missing.
 */
export async function startSamlIdp(options: StartSamlIdpOptions): Promise<SamlIdp> {
  const {
    port = 0,
    host = "127.0.0.1",
    publicHost = "localhost",
    groupsAttribute = "groups",
    title = "Corp Identity (demo) — SAML",
    sessionNotOnOrAfterSeconds = DEFAULT_SESSION_SECONDS,
    signResponse = true,
  } = options;
  const writeLine = options.log ?? writeToStderr;
  const log: Log = (line) => writeLine(clip(line));
  validateOptions({
    ...options,
    port,
    publicHost,
    groupsAttribute,
    title,
    sessionNotOnOrAfterSeconds,
    signResponse,
  });
  if (options.keys) checkSigningKeys(options.keys);
  const users = new UserDirectory(options.users);
  const keys = options.keys ?? (await getProcessSigningKeys());

  let route: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (route) return route(req, res);
    res
      .writeHead(503, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "1" })
      .end("starting\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log(`server error: ${err.message}`));
  // Tests run this IdP in the process that also validates its responses; xmllint's first call
  // blocks the event loop for seconds. With Node's 5 s default the server could close an idle
  // keep-alive socket just as fetch reuses it (ECONNRESET); fetch drops idle sockets first.
  server.keepAliveTimeout = 30_000;
  const close = closeOnce(server);

  try {
    const { port: boundPort } = server.address() as AddressInfo;
    const url = `http://${publicHost}:${boundPort}`;
    const entityId = `${url}/saml/metadata`;
    const ssoUrl = `${url}/saml/sso`;
    const sloUrl = (options.singleLogout ?? true) ? `${url}/saml/slo` : null;
    const signer = new ResponseSigner({
      entityId,
      ssoUrl,
      sloUrl,
      keys,
      groupsAttribute,
      sessionNotOnOrAfterSeconds,
      signResponse,
      transientNameIds: options.transientNameIds ?? false,
      userAttributes: options.userAttributes,
    });
    const apps = new Map<string, RegisteredApp>(options.apps.map((app) => [app.id, { ...app }]));
    // Browsers scope cookies by host, not port: names carry the port so two local IdPs don't collide.
    const prefix = `samlidp${boundPort}`;
    const context: IdpContext = {
      ssoUrl,
      sloUrl,
      title,
      metadataXml: signer.metadataXml,
      users,
      apps,
      appsBySpEntityId: new Map([...apps.values()].map((app) => [app.spEntityId, app])),
      signer,
      sessions: new SessionStore(),
      interactions: new InteractionStore(),
      cookieNames: { session: `${prefix}_session`, interaction: `${prefix}_interaction` },
      log,
      totp: new DemoTotp(),
    };

    route = (req, res) => {
      // handleRequest answers its own errors; this only keeps a bug from becoming an unhandled rejection.
      handleRequest(context, req, res).catch((err: unknown) => {
        log(`request failed ${req.method ?? "?"}: ${describeError(err)}`);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end();
      });
    };

    return {
      entityId,
      url,
      ssoUrl,
      sloUrl,
      metadataXml: context.metadataXml,
      metadataUrl: entityId,
      signingCertificatePem: keys.certificatePem,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function closeOnce(server: ReturnType<typeof createServer>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets (fetch keeps them) would otherwise hold close() open for seconds.
      server.closeAllConnections();
    });
    return closing;
  };
}
