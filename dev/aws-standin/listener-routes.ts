/** What each listener serves: the main one every service, a named STS endpoint STS alone. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { onlyFor, routeStandinAdmin, sendJson, sendPlain } from "./admin-routes";
import { handleFederationRequest } from "./federation";
import { splitRequestTarget } from "./http-io";
import { handleIamRequest } from "./iam-handler";
import { handleOrganizationsRequest } from "./organizations-handler";
import { DEFAULT_ENDPOINT, endpointOf, type Router } from "./router";
import { serviceOf } from "./service-routing";
import { handleStsRequest } from "./sts-handler";

/** A named endpoint's listener: STS and a health check only. */
export async function routeSts(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
  name: string,
): Promise<void> {
  const { path } = splitRequestTarget(req.url ?? "/");
  if (path === "/") return handleStsRequest(req, res, stsDependencies(router, name));
  if (path === "/__standin/health") {
    return onlyFor(req, res, "GET", () => sendJson(res, 200, { ok: true }));
  }
  return sendPlain(res, 404, "not found\n");
}

function stsDependencies(router: Router, name: string) {
  const endpoint = endpointOf(router, name);
  return {
    world: router.world,
    state: router.state,
    now: router.now,
    rejectReusedMfaCodes: router.rejectReusedMfaCodes,
    endpoint: name,
    region: endpoint.region,
    takeFault: () => endpoint.takeFault(),
    signal: router.closing.signal,
  };
}

export async function route(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<void> {
  const { path } = splitRequestTarget(req.url ?? "/");
  if (path === "/") {
    const sts = stsDependencies(router, DEFAULT_ENDPOINT);
    const { service, isPinned } = serviceOf(req.headers, req.url ?? "/");
    switch (service) {
      case "iam":
        return handleIamRequest(
          req,
          res,
          router,
          isPinned ? undefined : (body) => handleStsRequest(req, res, sts, body),
        );
      case "organizations":
        return handleOrganizationsRequest(req, res, router);
      default:
        return handleStsRequest(req, res, sts);
    }
  }
  if (path === "/federation") return handleFederationRequest(req, res, router);
  if (path.startsWith("/__standin/")) return routeStandinAdmin(path, req, res, router);
  return sendPlain(res, 404, "not found\n");
}
