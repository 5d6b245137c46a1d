/**
 * One IAM request (Query protocol, form-encoded POST or GET to `/`, signed for `iam`): read
 * (capped), authenticate for the partition's IAM signing region, throttle when a test says so,
 * run ListRoles or GetRole, answer in IAM's XML, record the call. Any failure becomes an IAM
 * ErrorResponse; nothing a client sends takes the server down.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  authenticateGlobal,
  MAX_GLOBAL_BODY_BYTES,
  type GlobalServiceDependencies,
} from "./global-request";
import { BodyTooLargeError, ClientAbortedError, readBody, sendResponse } from "./http-io";
import { IAM_NAMESPACE, IamError } from "./iam-errors";
import { resolveIamAction } from "./iam-roles";
import { newRequestId } from "./ids";
import type { ServiceCallRecord } from "./state";
import { STS_API_VERSION } from "./sts-actions";
import { StsError } from "./sts-errors";
import { requestParams } from "./sts-handler";
import { renderQueryError, renderQueryResult } from "./sts-xml";

/**
 * Handles an IAM request as AWS IAM does. Never rejects. `handOverToSts`, when given (the Host
 * did not name IAM), receives a call of STS's API version with its body: it was STS's after all.
 */
export async function handleIamRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: GlobalServiceDependencies,
  handOverToSts?: (body: Buffer) => Promise<void>,
): Promise<void> {
  const requestId = newRequestId();
  const record: ServiceCallRecord = {
    service: "iam",
    action: "",
    callerArn: null,
    errorCode: null,
    at: "",
  };
  let status = 200;
  let body: string;
  try {
    const now = deps.now();
    record.at = now.toISOString();
    if (req.method !== "POST" && req.method !== "GET") {
      throw new IamError(
        "MethodNotAllowed",
        `The HTTP method ${req.method ?? ""} is not supported.`,
      );
    }
    const raw = await readBody(req, MAX_GLOBAL_BODY_BYTES);
    const params = requestParams(req, raw);
    if (handOverToSts && params.get("Version") === STS_API_VERSION) return handOverToSts(raw);
    record.action = (params.get("Action") ?? "").slice(0, 128);
    const { caller, partition } = await authenticateGlobal("iam", req, raw, deps, now);
    record.callerArn = caller.principal.arn;
    if (deps.throttles.take("iam")) throw new IamError("Throttling", "Rate exceeded");
    const action = resolveIamAction(params);
    const result = action.run(
      { caller, partition, world: deps.world, pageTokens: deps.pageTokens },
      params,
    );
    body = renderQueryResult(IAM_NAMESPACE, action.name, result, requestId);
  } catch (error) {
    if (error instanceof ClientAbortedError) return;
    const iamError = toIamError(error, requestId);
    record.errorCode = iamError.code;
    status = iamError.status;
    body = renderQueryError(IAM_NAMESPACE, iamError, requestId);
  }
  record.at ||= new Date().toISOString();
  deps.state.recordServiceCall(record);
  sendResponse(res, {
    status,
    contentType: "text/xml",
    body,
    requestId,
    date: safeNow(deps.now),
    headers: status === 413 ? { Connection: "close" } : undefined,
  });
}

function toIamError(error: unknown, requestId: string): IamError {
  if (error instanceof IamError) return error;
  if (error instanceof StsError) return IamError.fromSts(error);
  if (error instanceof BodyTooLargeError) {
    return new IamError(
      "RequestEntityTooLarge",
      `Request body must not exceed ${error.limitBytes} bytes.`,
    );
  }
  // Only the error itself is logged: request bodies and headers may hold secrets.
  console.error(`[aws-standin] IAM internal failure (request ${requestId}):`, error);
  return new IamError(
    "ServiceFailure",
    "The request processing has failed because of an unknown error, exception or failure.",
  );
}

/** The clock may be what failed; the response still needs a Date. */
export function safeNow(now: () => Date): Date {
  try {
    return now();
  } catch {
    return new Date();
  }
}
