import { handleNextAuthRequest } from "@/lib/auth/next-auth-handler";

/**
 * next-auth's endpoints, only those the portal uses (lib/auth/next-auth-endpoints.ts): every method
 * comes to the handler, which answers a 404 or a 405 in the API's JSON shape for the rest. OPTIONS
 * too: Next.js would otherwise answer it with a 204 of its own, and nothing here is cross-origin
 * (docs/SECURITY.md "next-auth's endpoints").
 */
export {
  handleNextAuthRequest as GET,
  handleNextAuthRequest as HEAD,
  handleNextAuthRequest as POST,
  handleNextAuthRequest as PUT,
  handleNextAuthRequest as PATCH,
  handleNextAuthRequest as DELETE,
  handleNextAuthRequest as OPTIONS,
};
