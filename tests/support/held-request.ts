// A request that stays in flight until the test lets it go: a POST whose body never ends, sent
// to the CLI's token endpoint (which reads its form body before anything else). It asks for
// 100 Continue, which Node's server sends as it hands the request to the handler that admits
// it (docs/OPERATIONS.md "Overload"), so when this resolves the request holds one slot of the
// portal's bound — and nothing sent before it could have taken that slot in its place.
import http from "node:http";

export async function holdRequestSlot(portalUrl: string): Promise<http.ClientRequest> {
  const held = http.request(`${portalUrl}/api/v1/device/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": "100",
      Expect: "100-continue",
    },
  });
  held.on("error", () => undefined);
  held.flushHeaders();
  await new Promise((resolve) => held.once("continue", resolve));
  held.write("grant_type=");
  return held;
}
