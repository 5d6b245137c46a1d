// The columns of an access rule (and its role and account) that resolveGrants reads.

/** Every field resolveGrants reads (the access review adds its own on top). */
export const ruleSelect = {
  id: true,
  groupName: true,
  groupIssuer: true,
  personId: true,
  maxSessionDurationSeconds: true,
  allowConsole: true,
  allowCli: true,
  expiresAt: true,
  requireMfa: true,
  sessionPolicy: true,
  kind: true,
  role: {
    select: {
      id: true,
      name: true,
      arn: true,
      description: true,
      maxSessionDurationSeconds: true,
      assumeMethod: true,
      samlProviderArn: true,
      externalId: true,
      requiresBrokerMfa: true,
      missingSince: true,
      awsAccount: {
        select: {
          accountId: true,
          name: true,
          alias: true,
          environment: true,
          description: true,
          organizationStatus: true,
        },
      },
    },
  },
} as const;
