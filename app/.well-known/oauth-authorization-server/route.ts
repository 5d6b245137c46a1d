import { NextResponse } from "next/server";
import { CLI_CLIENT_ID, DEVICE_CODE_GRANT_TYPE } from "@/lib/cli-auth/codes";
import { getConfig } from "@/lib/config";

/** RFC 8414 authorization server metadata: where the CLI's device sign-in lives (docs/API.md). */
export function GET(): Response {
  const base = getConfig().publicUrl;
  return NextResponse.json(
    {
      issuer: base,
      device_authorization_endpoint: `${base}/api/v1/device/code`,
      token_endpoint: `${base}/api/v1/device/token`,
      grant_types_supported: [DEVICE_CODE_GRANT_TYPE],
      token_endpoint_auth_methods_supported: ["none"],
      response_types_supported: [],
      service_documentation: `${base}/api/v1/openapi.json`,
      gatehouse_client_id: CLI_CLIENT_ID,
    },
    { headers: { "Cache-Control": "public, max-age=300" } },
  );
}
