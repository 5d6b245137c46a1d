import "server-only";
/** The SDK clients the broker signs its STS calls with, one per configured endpoint. */
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import type { StsEndpointConfig } from "@/lib/config/sts-endpoint-settings";
import type { RetryPolicy } from "./sts-retry-policy";

/** How a set of clients signs: fixed credentials, or whatever the SDK's default chain finds. */
export type StsSigner = StsCredentials | "default-chain";

/** Credentials as the SDK takes them. Secret and token are never logged or stored. */
export interface StsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * One STSClient per endpoint, each signing for its endpoint's own region (AWS refuses a credential
 * scope for another region). The endpoint URL is already the FIPS or dual-stack host when those are
 * configured, so the SDK's own switches are turned off explicitly: it would otherwise read
 * AWS_USE_FIPS_ENDPOINT from the environment and refuse the custom endpoint. The SDK's retries are
 * off (our loop retries) and its handler times out at the policy's per-attempt timeout.
 */
export function createStsClients(
  endpoints: readonly StsEndpointConfig[],
  policy: Pick<RetryPolicy, "timeoutMs">,
  signer: StsSigner,
): STSClient[] {
  return endpoints.map((endpoint) => {
    const config: STSClientConfig = {
      region: endpoint.region,
      endpoint: endpoint.url,
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: policy.timeoutMs,
        requestTimeout: policy.timeoutMs,
        throwOnRequestTimeout: true,
      },
      ...(signer === "default-chain" ? {} : { credentials: signer }),
    };
    return new STSClient(config);
  });
}
