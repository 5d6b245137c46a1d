// The console services a destination may name by id, and their paths (docs/AWS.md "Console
// sign-in"). Client-safe.

export interface ConsoleService {
  /** Stable id used in deep links (`destination=ec2`). */
  id: string;
  name: string;
  /** Path below the console host, without the leading `/`; may carry a `#fragment`. */
  path: string;
  /**
   * A global service (IAM, Route 53, billing, …) has one view for all regions; the console homes it in
   * us-east-1 and redirects there itself. The URL still carries `?region=` so that the console's
   * region selector stays where the user was when they go on to a regional service.
   */
  global: boolean;
}

/**
 * Common console services with the paths AWS's own documentation links to. Paths that AWS redirects
 * (e.g. `vpc/home` → `vpcconsole/home`) are given in their current form to save a hop.
 */
export const CONSOLE_SERVICES: ReadonlyArray<ConsoleService> = Object.freeze(
  (
    [
      ["ec2", "EC2", "ec2/home", false],
      ["s3", "S3", "s3/home", false],
      ["iam", "IAM", "iam/home", true],
      ["cloudwatch", "CloudWatch", "cloudwatch/home", false],
      ["logs", "CloudWatch Logs", "cloudwatch/home#logsV2:log-groups", false],
      ["cloudtrail", "CloudTrail", "cloudtrail/home", false],
      ["lambda", "Lambda", "lambda/home", false],
      ["rds", "RDS", "rds/home", false],
      ["dynamodb", "DynamoDB", "dynamodbv2/home", false],
      ["ecs", "Elastic Container Service (ECS)", "ecs/home", false],
      ["ecr", "Elastic Container Registry (ECR)", "ecr/home", false],
      ["eks", "Elastic Kubernetes Service (EKS)", "eks/home", false],
      ["vpc", "VPC", "vpcconsole/home", false],
      ["route53", "Route 53", "route53/v2/home", true],
      ["cloudfront", "CloudFront", "cloudfront/v4/home", true],
      ["cloudformation", "CloudFormation", "cloudformation/home", false],
      ["billing", "Billing and Cost Management", "billing/home", true],
      ["cost-explorer", "Cost Explorer", "costmanagement/home#/cost-explorer", true],
      ["organizations", "Organizations", "organizations/v2/home", true],
      ["kms", "Key Management Service (KMS)", "kms/home", false],
      ["secretsmanager", "Secrets Manager", "secretsmanager/home", false],
      ["ssm", "Systems Manager", "systems-manager/home", false],
      ["sqs", "SQS", "sqs/home", false],
      ["sns", "SNS", "sns/home", false],
      ["apigateway", "API Gateway", "apigateway/home", false],
      ["stepfunctions", "Step Functions", "states/home", false],
      ["eventbridge", "EventBridge", "events/home", false],
      ["athena", "Athena", "athena/home", false],
      ["glue", "Glue", "glue/home", false],
      ["securityhub", "Security Hub", "securityhub/home", false],
      ["guardduty", "GuardDuty", "guardduty/home", false],
      ["config", "Config", "config/home", false],
      ["acm", "Certificate Manager (ACM)", "acm/home", false],
      ["cloudshell", "CloudShell", "cloudshell/home", false],
      ["support", "Support Center", "support/home", true],
    ] as const
  ).map(([id, name, path, global]) => Object.freeze({ id, name, path, global })),
);

export const SERVICES_BY_ID: ReadonlyMap<string, ConsoleService> = new Map(
  CONSOLE_SERVICES.map((service) => [service.id, service]),
);
