import { getConfig } from "@/lib/config";
import { serviceProviderMetadata } from "@/lib/saml/service-provider";
import { otherMethods } from "@/lib/http/fallback-handlers";

/** The portal's SAML SP metadata, at a stable URL an IdP admin can import. Public by design. */
export function GET(): Response {
  return new Response(serviceProviderMetadata(getConfig().saml), {
    headers: {
      "Content-Type": "application/samlmetadata+xml; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    },
  });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
