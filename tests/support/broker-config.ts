// The AWS part of the portal's configuration for tests that drive the broker directly: built by the
// portal's own loadConfig from settings, so a test can't hold a shape that configuration would refuse.
import { loadConfig, type AppConfig } from "@/lib/config/load-config";

const REQUIRED = {
  NEXTAUTH_URL: "http://localhost:3000",
  NEXTAUTH_SECRET: "a-test-secret-that-is-long-enough-0001",
  GATEHOUSE_ADMIN_GROUP: "gatehouse-admins",
};

/** `settings` as in .env.example (GATEHOUSE_STS_ENDPOINTS, AWS_REGION, …) → AppConfig["aws"]. */
export function brokerAwsConfig(settings: Record<string, string>): AppConfig["aws"] {
  return loadConfig({ ...REQUIRED, ...settings }).aws;
}

/** `<region>=<url>` for each stand-in endpoint URL, as GATEHOUSE_STS_ENDPOINTS takes them. */
export function endpointsSetting(urls: readonly string[], region = "us-east-1"): string {
  return urls.map((url) => `${region}=${url}`).join(",");
}
