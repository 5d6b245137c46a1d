/** The shapes of the demo world's description (dev/demo-world.ts). */

export interface DemoGrant {
  group?: string;
  /** A single user, by username at the demo IdP. */
  user?: string;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  /**
   * An eligible rule: the subject may request the role, and members of `approverGroups` approve
   * (docs/ACCESS-REQUESTS.md). Absent: a standing rule.
   */
  eligible?: { approverGroups: string[]; maxElevationSeconds: number };
}

export interface DemoRole {
  name: string;
  description: string;
  /** The role's MaxSessionDuration in IAM (3,600 to 43,200). */
  maxSessionDurationSeconds: number;
  /** Whether the role's trust policy lets the broker principal call sts:AssumeRole. */
  trustsBroker: boolean;
  /** Whether the trust policy allows sts:SetSourceIdentity (required by the portal). */
  allowsSourceIdentity: boolean;
  /** Whether the trust policy allows sts:TagSession. */
  allowsTagSession: boolean;
  /**
   * "assume-role-with-saml": reached with an AWS-targeted assertion from the demo SAML IdP's AWS
   * app (trusting the account's SAML provider DEMO_SAML_PROVIDER_NAME), not with the broker.
   */
  assumeMethod?: "assume-role" | "assume-role-with-saml";
  /**
   * The trust policy also requires `aws:MultiFactorAuthPresent`: the broker can assume the role
   * only from an MFA session (GetSessionToken with the code of demoBroker.mfaDevice).
   */
  requiresBrokerMfa?: boolean;
  grants: DemoGrant[];
}

export interface DemoAccount {
  id: string;
  name: string;
  /** The IAM account alias people also call it by. */
  alias?: string;
  environment: string;
  description: string;
  roles: DemoRole[];
}

export interface DemoBroker {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  /** The IAM user the broker keys belong to. */
  arn: string;
  /** The broker user's virtual MFA device; codes come from totpCode(totpSecret, now). */
  mfaDevice?: { serialNumber: string; totpSecret: string };
}

/** A role of an account the seed does not know. */
export interface DemoUndiscoveredRole {
  name: string;
  description: string;
  maxSessionDurationSeconds: number;
  /** Whether the trust policy lets the broker assume it (with SetSourceIdentity and TagSession). */
  trustsBroker: boolean;
}

/** An organization member the seed does not insert. */
export interface DemoUndiscoveredAccount {
  id: string;
  name: string;
  roles: DemoUndiscoveredRole[];
}

export interface DemoOrganizationUnit {
  id: string;
  name: string;
  tags: Record<string, string>;
}

/** Where an account sits in the organization, under which email and with which tags. */
export interface DemoOrganizationPlacement {
  unitId: string | null;
  email: string;
  tags: Record<string, string>;
}

export interface DemoOrganization {
  id: string;
  rootId: string;
  /** The broker's account: it holds the broker user and the organization's discovery role. */
  managementAccountId: string;
  managementAccountName: string;
  units: DemoOrganizationUnit[];
  /** By account id: every demoAccounts and demoUndiscoveredAccounts entry, and the management account. */
  placement: Record<string, DemoOrganizationPlacement>;
}
