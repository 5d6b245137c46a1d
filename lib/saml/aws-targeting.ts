import "server-only";

/**
 * Recognising an assertion meant for AWS (README.md "Identity carried to AWS": such an assertion is never
 * a portal login) and, for the relay, one that is not.
 */

const AWS_AUDIENCES = new Set(["urn:amazon:webservices", "https://signin.aws.amazon.com/saml"]);
const AWS_SIGNIN_HOSTS = new Set([
  "signin.aws.amazon.com",
  "signin.amazonaws-us-gov.com",
  "signin.amazonaws.cn",
]);

function hostOf(value: string): string | null {
  try {
    return new URL(value).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

/** signin.aws.amazon.com and its regional hosts, GovCloud's and China's sign-in hosts. */
export function isAwsSignInUrl(value: string): boolean {
  const host = hostOf(value);
  if (host === null) return false;
  return AWS_SIGNIN_HOSTS.has(host) || host.endsWith(".signin.aws.amazon.com");
}

/**
 * urn:amazon:webservices (and its partition variants such as urn:amazon:webservices:govcloud), or a
 * SAML endpoint URL on an AWS sign-in host.
 */
export function isAwsAudience(value: string): boolean {
  return (
    AWS_AUDIENCES.has(value) || value.startsWith("urn:amazon:webservices:") || isAwsSignInUrl(value)
  );
}
