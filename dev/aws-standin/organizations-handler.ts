/**
 * One AWS Organizations request (JSON 1.1: `POST /`, `Content-Type: application/x-amz-json-1.1`,
 * `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`, signed for `organizations`): read
 * (capped), authenticate for the partition's Organizations signing region, throttle when a test
 * says so, check the operation and the JSON body, run it, answer in JSON, record the call. Every
 * failure becomes Organizations' JSON error; nothing a client sends takes the server down.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  authenticateGlobal,
  MAX_GLOBAL_BODY_BYTES,
  type GlobalServiceDependencies,
} from "./global-request";
import { BodyTooLargeError, ClientAbortedError, readBody, sendResponse } from "./http-io";
import { safeNow } from "./iam-handler";
import { newRequestId } from "./ids";
import { internalFailure, OrganizationsError } from "./organizations-errors";
import { isOperation, runOperation } from "./organizations-ops";
import { ORGANIZATIONS_TARGET_PREFIX } from "./service-routing";
import { singleHeader } from "./sigv4-parse";
import type { ServiceCallRecord } from "./state";
import { StsError } from "./sts-errors";

const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

/** Handles an Organizations request as AWS Organizations does. Never rejects. */
export async function handleOrganizationsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: GlobalServiceDependencies,
): Promise<void> {
  const requestId = newRequestId();
  const record: ServiceCallRecord = {
    service: "organizations",
    action: "",
    callerArn: null,
    errorCode: null,
    at: "",
  };
  let status = 200;
  let body: string;
  let isBodyLeftUnread = false;
  try {
    const now = deps.now();
    record.at = now.toISOString();
    const target = singleHeader(req.headers, "x-amz-target") ?? "";
    const operation = target.startsWith(ORGANIZATIONS_TARGET_PREFIX)
      ? target.slice(ORGANIZATIONS_TARGET_PREFIX.length)
      : "";
    record.action = operation.slice(0, 128);
    const raw = await readBody(req, MAX_GLOBAL_BODY_BYTES);
    const { caller, partition } = await authenticateGlobal("organizations", req, raw, deps, now);
    record.callerArn = caller.principal.arn;
    if (deps.throttles.take("organizations")) {
      throw new OrganizationsError(
        "TooManyRequestsException",
        "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.",
        // AWS does not document Type's values; the stand-in names the kind of limit.
        { Type: "RequestRate" },
      );
    }
    const contentType = (singleHeader(req.headers, "content-type") ?? "").toLowerCase();
    if (
      req.method !== "POST" ||
      !contentType.startsWith(JSON_CONTENT_TYPE) ||
      !isOperation(operation)
    ) {
      throw new OrganizationsError("UnknownOperationException", "Unknown operation");
    }
    const input = parseInput(raw);
    const output = runOperation(
      operation,
      { caller, partition, world: deps.world, pageTokens: deps.pageTokens },
      deps.world.organization(),
      input,
    );
    body = JSON.stringify(output);
  } catch (error) {
    if (error instanceof ClientAbortedError) return;
    isBodyLeftUnread = error instanceof BodyTooLargeError;
    const failure = toOrganizationsError(error, requestId);
    record.errorCode = failure.code;
    status = failure.status;
    body = failure.body();
  }
  record.at ||= new Date().toISOString();
  deps.state.recordServiceCall(record);
  sendResponse(res, {
    status,
    contentType: JSON_CONTENT_TYPE,
    body,
    requestId,
    date: safeNow(deps.now),
    headers: {
      ...(record.errorCode !== null ? { "x-amzn-ErrorType": record.errorCode } : {}),
      // After an oversized body the connection still carries unread bytes: do not reuse it.
      ...(isBodyLeftUnread ? { Connection: "close" } : {}),
    },
  });
}

/** The JSON object of the body ({} when empty, as the JSON protocol allows). */
function parseInput(raw: Buffer): Record<string, unknown> {
  const text = raw.toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OrganizationsError("SerializationException", "The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new OrganizationsError(
      "SerializationException",
      "The request body must be a JSON object.",
    );
  }
  return parsed as Record<string, unknown>;
}

function toOrganizationsError(error: unknown, requestId: string): OrganizationsError {
  if (error instanceof OrganizationsError) return error;
  if (error instanceof StsError) return OrganizationsError.fromSts(error);
  if (error instanceof BodyTooLargeError) {
    return new OrganizationsError(
      "SerializationException",
      `Request body must not exceed ${error.limitBytes} bytes.`,
    );
  }
  // Only the error itself is logged: request bodies and headers may hold secrets.
  console.error(`[aws-standin] Organizations internal failure (request ${requestId}):`, error);
  return internalFailure();
}
