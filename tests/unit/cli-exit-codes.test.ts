import { describe, expect, it } from "vitest";

import { type CliError, EXIT, exitCodeForStatus, formatFailure } from "@/cli/gatehouse/exit-codes";
import { callPortal, portalError } from "@/cli/gatehouse/portal-client";

const PORTAL = "https://gatehouse.example.com";
const SECRET = `gh_cli_${"s".repeat(43)}`;

describe("exit code for each HTTP status (docs/API.md 'Errors')", () => {
  it.each([
    [200, EXIT.ok],
    [204, EXIT.ok],
    [400, EXIT.usage],
    [401, EXIT.notSignedIn],
    [403, EXIT.refused],
    [404, EXIT.refused],
    [409, EXIT.refused],
    [429, EXIT.unavailable],
    [500, EXIT.unavailable],
    [502, EXIT.unavailable],
    [503, EXIT.unavailable],
    [418, EXIT.unexpected],
  ])("HTTP %i → exit %i", (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it("the codes are the documented numbers", () => {
    expect(EXIT).toMatchObject({
      ok: 0,
      unexpected: 1,
      usage: 2,
      notSignedIn: 3,
      refused: 4,
      unavailable: 5,
      signInFailed: 6,
    });
  });
});

describe("portal errors are printed as 'gatehouse: <message> (request id <id>)'", () => {
  const answer = (
    status: number,
    error: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) => portalError({ status, headers: new Headers(headers) }, { error }, PORTAL);

  it("uses the portal's message and request id", () => {
    const failure = answer(404, {
      code: "not_found",
      message: "No such role, or you have no access to it.",
      requestId: "req-1",
    });
    expect(formatFailure(failure)).toBe(
      "gatehouse: No such role, or you have no access to it (request id req-1)\n",
    );
    expect(failure.exitCode).toBe(EXIT.refused);
  });

  it("validation_error lists each field's problem", () => {
    const failure = answer(400, {
      code: "validation_error",
      message: "The requested session duration is not allowed.",
      issues: [{ path: "durationSeconds", message: "must be at most 14400 seconds" }],
    });
    expect(failure.message).toBe(
      "The requested session duration is not allowed: durationSeconds must be at most 14400 seconds",
    );
    expect(failure.exitCode).toBe(EXIT.usage);
  });

  it("401 tells the person to run gatehouse login for the portal that refused (there may be several)", () => {
    const failure = answer(401, {
      code: "unauthenticated",
      message: "Sign in again.",
      requestId: "r",
    });
    expect(failure.message).toBe(`Sign in again. Run gatehouse login --portal ${PORTAL}`);
    expect(failure.exitCode).toBe(EXIT.notSignedIn);
  });

  it("401 does not repeat the advice when the portal already gives it, and names the portal", () => {
    const failure = answer(401, {
      code: "unauthenticated",
      message: "This CLI sign-in has been revoked. Run gatehouse login.",
    });
    expect(failure.message).toBe(
      `This CLI sign-in has been revoked. Run gatehouse login --portal ${PORTAL}`,
    );
  });

  it("429 says when to retry", () => {
    expect(
      answer(429, { code: "rate_limited", message: "Slow down." }, { "retry-after": "7" }).message,
    ).toBe("Slow down; try again in 7 s");
  });

  it("mfa_required points at the portal page that completes the step", () => {
    expect(
      answer(403, { code: "mfa_required", message: "MFA needed.", nextUrl: "/api/auth/step-up" })
        .message,
    ).toBe(`MFA needed; complete it in the browser at ${PORTAL}/api/auth/step-up`);
  });

  it("takes the request id from the header when the body has none, and strips control characters", () => {
    const failure = portalError(
      { status: 500, headers: new Headers() },
      { error: { message: "bad\u001b[2Jthing" } },
      PORTAL,
      "hdr-1",
    );
    expect(failure.requestId).toBe("hdr-1");
    expect(failure.message).not.toMatch(/\u001b/);
  });

  it("a network failure is exit 5 and names neither the token nor the body", async () => {
    const failing = (() =>
      Promise.reject(
        new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }),
      )) as typeof fetch;
    const failure = (await callPortal(failing, PORTAL, {
      method: "GET",
      path: "/api/v1/me",
      token: SECRET,
    }).catch((e: unknown) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.unavailable);
    expect(failure.message).toBe(`cannot reach the portal at ${PORTAL}: ECONNREFUSED`);
  });

  it("sends the bearer token, the CLI's User-Agent and a timeout", async () => {
    let seen: RequestInit | undefined;
    const recording = ((_url: string, init: RequestInit) => {
      seen = init;
      return Promise.resolve(new Response(null, { status: 204 }));
    }) as unknown as typeof fetch;
    await callPortal(recording, PORTAL, { method: "DELETE", path: "/api/v1/token", token: SECRET });
    const headers = new Headers(seen?.headers);
    expect(headers.get("authorization")).toBe(`Bearer ${SECRET}`);
    expect(headers.get("user-agent")).toMatch(/^gatehouse-cli\//);
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
    expect(seen?.redirect).toBe("error");
  });
});

describe("a role reached through the IdP's AWS app says only the web page can issue it", () => {
  const answer = (body: unknown) =>
    portalError({ status: 409, headers: new Headers() }, { error: body }, PORTAL);
  it.each([
    [
      "saml_assertion_required, with the page the browser would use",
      {
        code: "saml_assertion_required",
        message: "This role needs your IdP's assertion.",
        nextUrl: "/api/aws/saml/start",
      },
    ],
    [
      "saml_assertion_required, without a page",
      { code: "saml_assertion_required", message: "This role needs your IdP's assertion." },
    ],
  ])("%s", (_name, body) => {
    const failure = answer(body);
    expect(failure.message).toBe(
      "This role needs your IdP's assertion; only the web page can issue this role, not the CLI",
    );
    expect(failure.message).not.toMatch(/browser at|saml\/start/);
    expect(failure.exitCode).toBe(EXIT.refused);
  });
});

describe("the request timeout covers reading the body: a stalled body is a timeout (exit 5)", () => {
  /** Headers at once, then `chunk` and nothing more, ever (unless the signal aborts). */
  const stalling = (status: number, chunk: string) =>
    ((_url: string, init: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(chunk));
          init.signal?.addEventListener("abort", () => controller.error(init.signal?.reason));
        },
      });
      return Promise.resolve(
        new Response(body, { status, headers: { "content-type": "application/json" } }),
      );
    }) as unknown as typeof fetch;
  /** Like `stalling`, but ignores the abort signal, as a broken fetch might. */
  const deaf = (() =>
    Promise.resolve(
      new Response(new ReadableStream<Uint8Array>({ start: () => undefined }), { status: 200 }),
    )) as unknown as typeof fetch;
  it.each([
    ["a 200 whose body stalls halfway", stalling(200, '{"accessKeyId":')],
    ["an error answer whose body stalls", stalling(500, '{"error":')],
    ["a body that stalls in a fetch that ignores the signal", deaf],
  ])("%s", async (_name, fetchImpl) => {
    const started = Date.now();
    const failure = (await callPortal(fetchImpl, PORTAL, {
      method: "GET",
      path: "/api/v1/roles",
      token: SECRET,
      timeoutMs: 200,
    }).catch((e: unknown) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.unavailable);
    expect(failure.message).toBe(`cannot reach the portal at ${PORTAL}: no answer within 0.2 s`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
