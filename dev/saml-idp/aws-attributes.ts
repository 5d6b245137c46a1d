import type { DemoUser } from "../demo-users";
import { demoAccounts } from "../demo-world";
import type { DemoAccount } from "../demo-world-types";
import type { SamlIdpApp } from "./server";

/** The attribute names AWS reads from a SAML assertion (IAM User Guide, "Configure SAML assertions"). */
export const AWS_SAML_ATTRIBUTES = {
  role: "https://aws.amazon.com/SAML/Attributes/Role",
  roleSessionName: "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
  sessionDuration: "https://aws.amazon.com/SAML/Attributes/SessionDuration",
  sourceIdentity: "https://aws.amazon.com/SAML/Attributes/SourceIdentity",
  principalTagPrefix: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:",
} as const;

/** What an AWS-targeted assertion carries instead of the portal's values. */
export const AWS_SAML_AUDIENCE = "urn:amazon:webservices";
export const AWS_SAML_RECIPIENT = "https://signin.aws.amazon.com/saml";

export interface AwsSamlRole {
  accountId: string;
  roleName: string;
}

export interface AwsAppAttributeOptions {
  /** The IAM SAML provider's name in each role's account: arn:aws:iam::<account>:saml-provider/<name>. */
  providerName: string;
  roles: readonly AwsSamlRole[];
  /** SessionDuration in seconds (900 to 43,200); default 3,600. */
  sessionDurationSeconds?: number;
  /** Default: the user's subject, the IdP's immutable identifier. */
  sourceIdentity?: string;
  /** PrincipalTag:<key> attributes (session tags). */
  principalTags?: Readonly<Record<string, string>>;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PROVIDER_NAME = /^[\w.-]{1,128}$/;
/** AWS RoleSessionName / SourceIdentity charset and length. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * The attributes of an AWS app for `attributesFor`: one Role value per role, each a
 * `role ARN,provider ARN` pair — in that order for even positions and reversed for odd ones, since
 * AWS accepts both and a parser must too — plus RoleSessionName (the email), SessionDuration,
 * SourceIdentity and any PrincipalTag:* attributes. A user without roles gets no Role attribute.
 *
 * @throws TypeError when an account, role, provider, duration, session name or tag is not one AWS accepts.
 */
export function awsAppAttributes(
  user: DemoUser,
  options: AwsAppAttributeOptions,
): Record<string, string[]> {
  const {
    providerName,
    roles,
    sessionDurationSeconds = 3600,
    sourceIdentity = user.subject,
  } = options;
  if (!PROVIDER_NAME.test(providerName))
    throw new TypeError(
      `awsAppAttributes: invalid SAML provider name ${JSON.stringify(providerName)}`,
    );
  if (
    !Number.isInteger(sessionDurationSeconds) ||
    sessionDurationSeconds < 900 ||
    sessionDurationSeconds > 43_200
  ) {
    throw new TypeError(
      `awsAppAttributes: sessionDurationSeconds must be an integer from 900 to 43200, got ${sessionDurationSeconds}`,
    );
  }
  for (const [what, value] of [
    ["RoleSessionName (the email)", user.email],
    ["SourceIdentity", sourceIdentity],
  ] as const) {
    if (!SESSION_NAME.test(value) || value.toLowerCase().startsWith("aws:")) {
      throw new TypeError(
        `awsAppAttributes: ${what} ${JSON.stringify(value)} is not [\\w+=,.@-]{2,64}`,
      );
    }
  }

  const roleValues = roles.map(({ accountId, roleName }, index) => {
    if (!ACCOUNT_ID.test(accountId) || !ROLE_NAME.test(roleName)) {
      throw new TypeError(
        `awsAppAttributes: invalid role ${JSON.stringify({ accountId, roleName })}`,
      );
    }
    const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
    const providerArn = `arn:aws:iam::${accountId}:saml-provider/${providerName}`;
    return index % 2 === 0 ? `${roleArn},${providerArn}` : `${providerArn},${roleArn}`;
  });

  const attributes: Record<string, string[]> = {};
  if (roleValues.length > 0) attributes[AWS_SAML_ATTRIBUTES.role] = roleValues;
  attributes[AWS_SAML_ATTRIBUTES.roleSessionName] = [user.email];
  attributes[AWS_SAML_ATTRIBUTES.sessionDuration] = [String(sessionDurationSeconds)];
  attributes[AWS_SAML_ATTRIBUTES.sourceIdentity] = [sourceIdentity];
  for (const [key, value] of Object.entries(options.principalTags ?? {})) {
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(value)) {
      throw new TypeError(`awsAppAttributes: invalid session tag ${JSON.stringify(key)}`);
    }
    attributes[`${AWS_SAML_ATTRIBUTES.principalTagPrefix}${key}`] = [value];
  }
  return attributes;
}

/** The demo roles granted to `user` (by one of their groups or by username), in demo-world order. */
export function demoAwsRoles(
  user: DemoUser,
  accounts: readonly DemoAccount[] = demoAccounts,
): AwsSamlRole[] {
  return accounts.flatMap((account) =>
    account.roles
      .filter((role) =>
        role.grants.some((grant) =>
          grant.user !== undefined
            ? grant.user === user.username
            : grant.group !== undefined && user.groups.includes(grant.group),
        ),
      )
      .map((role) => ({ accountId: account.id, roleName: role.name })),
  );
}

export interface AwsDemoAppOptions {
  /** The portal's relay endpoint: where the browser POSTs the AWS-targeted response. */
  acsUrl: string;
  /** Default "urn:amazon:webservices", AWS's own SP entityID. */
  spEntityId?: string;
  /** Default "gatehouse-demo-idp". */
  providerName?: string;
  /** Default: the user's demo roles (demoAwsRoles). */
  rolesFor?: (user: DemoUser) => AwsSamlRole[];
  sessionDurationSeconds?: number;
  /** Default true: AWS itself only supports IdP-initiated sign-in. */
  allowIdpInitiated?: boolean;
  /**
   * Response Destination; default acsUrl (where it is POSTed). AWS_SAML_RECIPIENT makes the
   * response look exactly like one addressed to AWS's sign-in page.
   */
  destinationOverride?: string;
}

/**
 * The AWS app as an IdP admin would configure it for AWS: audience urn:amazon:webservices,
 * Recipient https://signin.aws.amazon.com/saml, the Role/RoleSessionName/SessionDuration/
 * SourceIdentity attributes — but POSTed to the portal's relay instead of AWS's sign-in page.
 */
export function awsDemoApp(options: AwsDemoAppOptions): SamlIdpApp {
  const {
    acsUrl,
    spEntityId = AWS_SAML_AUDIENCE,
    providerName = "gatehouse-demo-idp",
    rolesFor = (user: DemoUser) => demoAwsRoles(user),
    sessionDurationSeconds,
    allowIdpInitiated = true,
    destinationOverride,
  } = options;
  return {
    id: "aws",
    name: "AWS (demo accounts)",
    spEntityId,
    acsUrl,
    audienceOverride: AWS_SAML_AUDIENCE,
    recipientOverride: AWS_SAML_RECIPIENT,
    destinationOverride,
    allowIdpInitiated,
    attributesFor: (user) =>
      awsAppAttributes(user, { providerName, roles: rolesFor(user), sessionDurationSeconds }),
  };
}
