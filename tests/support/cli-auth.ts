// Drives the CLI's device sign-in (docs/API.md) over HTTP as the gatehouse CLI and a person's
// browser would: start, approve or deny on the portal, poll, and call /api/v1 with the token.
import { recordIssuedSecret } from "@/dev/secret-ledger";
import { expect } from "vitest";
import type { PortalSession } from "./portal-client";
import type { TestStack } from "./stack";

export const CLI_CLIENT_ID = "gatehouse-cli";
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export interface StartedSignIn {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export function postForm(stack: TestStack, path: string, form: Record<string, string>) {
  return fetch(`${stack.portalUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

export async function startCliSignIn(
  stack: TestStack,
  extra: Record<string, string> = {},
): Promise<StartedSignIn> {
  const res = await postForm(stack, "/api/v1/device/code", {
    client_id: CLI_CLIENT_ID,
    device_name: "test laptop",
    ...extra,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as StartedSignIn;
}

export function pollCliToken(stack: TestStack, deviceCode: string, clientId = CLI_CLIENT_ID) {
  return postForm(stack, "/api/v1/device/token", {
    grant_type: DEVICE_GRANT,
    device_code: deviceCode,
    client_id: clientId,
  });
}

export function decide(session: PortalSession, userCode: string, decision: "approve" | "deny") {
  return session.request("/api/device/decision", {
    method: "POST",
    json: { code: userCode, decision },
  });
}

/**
 * A CLI token for a signed-in person: the whole device flow, with the portal's clock moved past
 * the poll interval instead of waiting for it.
 */
export async function cliTokenFor(
  stack: TestStack,
  session: PortalSession,
): Promise<{ token: string; tokenId: string }> {
  const started = await startCliSignIn(stack);
  expect((await decide(session, started.user_code, "approve")).status).toBe(200);
  const res = await pollCliToken(stack, started.device_code);
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { access_token: string; token_id: string };
  recordIssuedSecret("cli-token", body.access_token);
  return { token: body.access_token, tokenId: body.token_id };
}

/** A request to /api/v1 with a bearer token (or none, or any Authorization value). */
export function v1(
  stack: TestStack,
  path: string,
  init: {
    method?: string;
    authorization?: string | null;
    token?: string;
    json?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  const authorization =
    init.authorization !== undefined
      ? init.authorization
      : init.token
        ? `Bearer ${init.token}`
        : null;
  return fetch(`${stack.portalUrl}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(authorization !== null ? { Authorization: authorization } : {}),
      ...(init.json !== undefined ? { "Content-Type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
}
