/**
 * One STS request from socket to response: read (capped), authenticate, route, answer in XML, and
 * record the call for tests. Any failure, expected or not, becomes an AWS-shaped error response;
 * nothing a client sends can take the server down. AssumeRoleWithSAML may arrive unsigned (the
 * SDK sends it so when it has no credentials); signed — in the Authorization header or, presigned,
 * in the query string — its signature is checked like any other. The request is held to one
 * region (the AWS Host's, else the endpoint's) and acts in that region's partition. An endpoint's
 * injected fault answers right after the body is read, before authentication.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  BodyTooLargeError,
  ClientAbortedError,
  readBody,
  sendResponse,
  splitRequestTarget,
} from "./http-io";
import { delay, faultError } from "./faults";
import { newRequestId } from "./ids";
import { lookupKey } from "./caller-keys";
import { partitionOfRegion, regionOfAwsHost } from "./partitions";
import { hasQueryAuthorization, singleHeader } from "./sigv4-parse";
import { verifySigV4 } from "./sigv4-verify";
import type { StandinState, StsCallRecord } from "./state";
import { acceptsUnsignedRequest, resolveAction } from "./sts-actions";
import type { TakenFault } from "./sts-endpoint";
import { StsError } from "./sts-errors";
import { renderStsError, renderStsResult } from "./sts-xml";
import type { WorldIndex } from "./world";

/** Room for AssumeRoleWithSAML's 100,000-character assertion, form-encoded. */
export const MAX_STS_BODY_BYTES = 256 * 1024;

export interface StsDependencies {
  world: WorldIndex;
  state: StandinState;
  now: () => Date;
  rejectReusedMfaCodes: boolean;
  /** The name of the endpoint the request arrived on, for the call log. */
  endpoint: string;
  /** The endpoint's region: a request's credential scope must name it (unless its Host names one). */
  region: string;
  /** The endpoint's fault for this request, if any (counted against its failFirst). */
  takeFault: () => TakenFault | null;
  /** Aborts when the stand-in closes: a delayed request then gets no answer. */
  signal: AbortSignal;
}

/**
 * Handles `POST /` (or `GET /?Action=…`) as AWS STS does. Never rejects. `alreadyRead` is the
 * request body when another handler already read it (an STS request signed for `iam`: service-routing.ts).
 */
export async function handleStsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: StsDependencies,
  alreadyRead?: Buffer,
): Promise<void> {
  const requestId = newRequestId();
  // A Host that is an AWS STS host name pins the region, as at AWS; a local one leaves the
  // endpoint's own. The region's partition is the one the request acts in.
  const region = regionOfAwsHost(singleHeader(req.headers, "host") ?? "") ?? deps.region;
  const partition = partitionOfRegion(region);
  const record: StsCallRecord = {
    endpoint: deps.endpoint,
    region,
    action: null,
    callerArn: null,
    accessKeyId: null,
    errorCode: null,
    at: "",
  };
  let status = 200;
  let body: string;
  try {
    const now = deps.now();
    record.at = now.toISOString();
    if (req.method !== "POST" && req.method !== "GET") {
      throw new StsError(
        "MethodNotAllowed",
        `The HTTP method ${req.method ?? ""} is not supported.`,
      );
    }
    const raw = alreadyRead ?? (await readBody(req, MAX_STS_BODY_BYTES));
    const params = requestParams(req, raw);
    describeCall(record, params);

    const taken = deps.takeFault();
    if (taken) {
      record.fault = taken.label;
      const { latencyMs } = taken.fault;
      if (latencyMs !== undefined && !(await delay(latencyMs, deps.signal))) return;
      const injected = faultError(taken.fault, () => claimedAccount(deps, req, params));
      if (injected) throw injected;
    }

    const isUnsigned =
      acceptsUnsignedRequest(params) &&
      singleHeader(req.headers, "authorization") === undefined &&
      !hasQueryAuthorization(urlQuery(req));
    const caller = isUnsigned
      ? null
      : await verifySigV4(
          { method: req.method, url: req.url ?? "/", headers: req.headers, body: raw },
          {
            now,
            service: "sts",
            requiredRegion: region,
            lookupKey: (id) => lookupKey(deps.world, deps.state, id, partition),
            onScope: (scope) => {
              record.sigv4 = scope.via;
              record.signingRegion = scope.region.slice(0, 64);
            },
          },
        );
    record.callerArn = caller?.principal.arn ?? null;
    record.accessKeyId = caller?.accessKeyId ?? null;

    const action = resolveAction(params);
    const result = action.run(
      {
        caller,
        world: deps.world,
        state: deps.state,
        now,
        region,
        partition,
        rejectReusedMfaCodes: deps.rejectReusedMfaCodes,
        record,
      },
      params,
    );
    body = renderStsResult(action.name, result, requestId);
  } catch (error) {
    if (error instanceof ClientAbortedError) return;
    const stsError = toStsError(error, requestId);
    record.errorCode = stsError.code;
    status = stsError.status;
    body = renderStsError(stsError, requestId);
  }
  record.at ||= new Date().toISOString();
  deps.state.recordStsCall(record);
  sendResponse(res, {
    status,
    contentType: "text/xml",
    body,
    requestId,
    date: safeNow(deps.now),
    // After an oversized body the connection still carries unread bytes: do not reuse it.
    headers: status === 413 ? { Connection: "close" } : undefined,
  });
}

function urlQuery(req: IncomingMessage): URLSearchParams {
  return new URLSearchParams(splitRequestTarget(req.url ?? "/").search);
}

/** Query-string parameters, plus the body's when it is form-encoded (as the SDK sends it). */
export function requestParams(req: IncomingMessage, body: Buffer): URLSearchParams {
  const params = urlQuery(req);
  const contentType = String(req.headers["content-type"] ?? "").toLowerCase();
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) {
      params.append(name, value);
    }
  }
  return params;
}

/**
 * Copies the identifiers tests care about; secrets (a SAMLAssertion, tokens) are never among the
 * recorded parameters.
 */
function describeCall(record: StsCallRecord, params: URLSearchParams): void {
  record.action = params.get("Action");
  const roleArn = params.get("RoleArn");
  const principalArn = params.get("PrincipalArn");
  if (principalArn !== null) record.principalArn = principalArn.slice(0, 2048);
  const sessionName = params.get("RoleSessionName");
  const sourceIdentity = params.get("SourceIdentity");
  const duration = params.get("DurationSeconds");
  if (roleArn !== null) record.roleArn = roleArn.slice(0, 2048);
  if (sessionName !== null) record.roleSessionName = sessionName.slice(0, 128);
  if (sourceIdentity !== null) record.sourceIdentity = sourceIdentity.slice(0, 128);
  if (duration !== null && /^\d{1,9}$/.test(duration)) record.durationSeconds = Number(duration);
  const serialNumber = params.get("SerialNumber");
  if (serialNumber !== null) record.serialNumber = serialNumber.slice(0, 256);
}

/**
 * The account a faulted request claims to act for, without verifying anything (the fault answers
 * before authentication): the owner of the access key in its Authorization header, else the
 * account in RoleArn (AssumeRoleWithSAML arrives unsigned).
 */
function claimedAccount(
  deps: StsDependencies,
  req: IncomingMessage,
  params: URLSearchParams,
): string {
  const keyId =
    /Credential=([A-Z0-9]{16,128})\//.exec(singleHeader(req.headers, "authorization") ?? "")?.[1] ??
    /^([A-Z0-9]{16,128})\//.exec(urlQuery(req).get("X-Amz-Credential") ?? "")?.[1];
  if (keyId !== undefined) {
    const account =
      deps.world.principalByAccessKeyId(keyId)?.account ??
      deps.state.findCredentials(keyId)?.principal.account;
    if (account !== undefined) return account;
  }
  return /^arn:[\w-]+:iam::(\d{12}):/.exec(params.get("RoleArn") ?? "")?.[1] ?? "unknown";
}

function toStsError(error: unknown, requestId: string): StsError {
  if (error instanceof StsError) return error;
  if (error instanceof BodyTooLargeError) {
    return new StsError(
      "RequestEntityTooLarge",
      `Request body must not exceed ${error.limitBytes} bytes.`,
    );
  }
  // Only the error itself is logged: request bodies and headers may hold secrets.
  console.error(`[aws-standin] internal failure (request ${requestId}):`, error);
  return new StsError("InternalFailure", "An internal error occurred. Try again.");
}

/** The clock may be what failed; the response still needs a Date. */
function safeNow(now: () => Date): Date {
  try {
    return now();
  } catch {
    return new Date();
  }
}
