/**
 * The stand-in's own routes under `/__standin/`, for tests and the demo (identifiers only, never
 * secrets): the call logs, the virtual MFA devices' current codes, SAML providers registered at
 * run time, fault injection per STS endpoint, and (admin-world-routes.ts) IAM and Organizations
 * throttling and changes to the world.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { routeWorldAdmin } from "./admin-world-routes";
import { BodyTooLargeError, readBody, sendResponse } from "./http-io";
import { newRequestId } from "./ids";
import { currentMfaCodes } from "./mfa-codes";
import { setFault, type Router } from "./router";
import type { ResolvedSamlProvider } from "./world";

export interface SamlProviderSummary {
  arn: string;
  entityId: string;
  certificateCount: number;
}

/** Bound on a `POST /__standin/saml-providers` body. */
const MAX_REGISTRATION_BYTES = 1024 * 1024;
/** Bound on a `POST /__standin/faults` body. */
const MAX_FAULT_BYTES = 16 * 1024;

export function summarize(provider: ResolvedSamlProvider): SamlProviderSummary {
  return {
    arn: provider.arn,
    entityId: provider.entityId,
    certificateCount: provider.certificates.length,
  };
}

export async function routeStandinAdmin(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<void> {
  switch (path) {
    case "/__standin/calls":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, router.state.stsCalls));
    case "/__standin/federation-calls":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, router.state.federationCalls));
    case "/__standin/reset-calls":
      return onlyFor(req, res, "POST", () => {
        router.state.resetCalls();
        sendJson(res, 200, { ok: true });
      });
    case "/__standin/mfa-codes":
      return onlyFor(req, res, "GET", () =>
        sendJson(res, 200, currentMfaCodes(router.rawWorld, router.now())),
      );
    case "/__standin/health":
      return onlyFor(req, res, "GET", () => sendJson(res, 200, { ok: true }));
    case "/__standin/saml-providers":
      if (req.method === "GET") {
        return sendJson(res, 200, router.world.samlProviders().map(summarize));
      }
      if (req.method === "POST") return registerFromRequest(req, res, router);
      return sendJson(res, 405, { error: "GET or POST only" });
    case "/__standin/faults":
      if (req.method === "GET") {
        return sendJson(
          res,
          200,
          [...router.endpoints.values()].map((e) => e.status()),
        );
      }
      if (req.method === "POST") return setFaultFromRequest(req, res, router);
      return sendJson(res, 405, { error: "GET or POST only" });
    default:
      if (await routeWorldAdmin(path, req, res, router)) return;
      return sendPlain(res, 404, "not found\n");
  }
}

export function onlyFor(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  handle: () => void,
): void {
  if (req.method === method) handle();
  else sendJson(res, 405, { error: `${method} only` });
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json", JSON.stringify(value));
}

export function sendPlain(res: ServerResponse, status: number, text: string): void {
  send(res, status, "text/plain; charset=utf-8", text);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  sendResponse(res, {
    status,
    contentType,
    body,
    requestId: newRequestId(),
    date: new Date(),
    headers: { "Cache-Control": "no-store" },
  });
}

/**
 * A JSON object body of at most `maxBytes`, or undefined once a 413 or 400 naming the expected
 * `shape` has been sent (or the client went away).
 */
export async function readJsonObject(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  shape: string,
): Promise<Record<string, unknown> | undefined> {
  let body: Buffer;
  try {
    body = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader("Connection", "close");
      sendJson(res, 413, { error: `body must not exceed ${maxBytes} bytes` });
    }
    return undefined; // Otherwise the client went away.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    sendJson(res, 400, { error: `body must be JSON ${shape}` });
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    sendJson(res, 400, { error: `body must be a JSON object ${shape}` });
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

/** `POST /__standin/saml-providers`: JSON `{ arn, metadataXml }` → 200 summary, or 400/413. */
async function registerFromRequest(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<void> {
  const request = await readJsonObject(req, res, MAX_REGISTRATION_BYTES, "{arn, metadataXml}");
  if (!request) return;
  const { arn, metadataXml } = request;
  if (typeof arn !== "string" || typeof metadataXml !== "string") {
    return sendJson(res, 400, { error: "body must be JSON {arn, metadataXml} with string values" });
  }
  try {
    sendJson(res, 200, summarize(router.world.registerSamlProvider({ arn, metadataXml })));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}

/**
 * `POST /__standin/faults`: JSON `{ endpoint, fault }` → 200 with the endpoint's status once the
 * fault is in force (a cleared refusal listens again first), 400 naming what is wrong, or 500
 * when the endpoint could not listen again.
 */
async function setFaultFromRequest(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<void> {
  const request = await readJsonObject(req, res, MAX_FAULT_BYTES, "{endpoint, fault}");
  if (!request) return;
  const extra = Object.keys(request).filter((key) => key !== "endpoint" && key !== "fault");
  const problems: string[] = [];
  if (typeof request.endpoint !== "string") problems.push("endpoint: must be a string");
  if (!Object.hasOwn(request, "fault")) problems.push("fault: is required (null clears)");
  if (extra.length > 0) problems.push(`unknown field(s): ${extra.join(", ")}`);
  if (problems.length > 0) return sendJson(res, 400, { error: problems.join("; ") });

  let endpoint;
  try {
    endpoint = setFault(router, request.endpoint as string, request.fault);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return sendJson(res, 400, { error: error.message });
  }
  await endpoint.settled();
  const status = endpoint.status();
  sendJson(res, status.error === undefined ? 200 : 500, status);
}
