// The HTTP surface (docs/SECURITY.md "Headers", "Cookies"): a nonce-based CSP without inline
// scripts and no framing on every page; state changes only from the portal's own origin (a server
// action without Origin or with a foreign one is refused before it runs); no session identifier reaches
// client JavaScript; over https, HSTS and __Host- cookies.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "@/dev/local-stack";
import { signIn, type PortalSession } from "../support/portal-client";
import { actionId } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
});
afterAll(async () => {
  await stack?.stop();
});

describe("Content-Security-Policy on every page", () => {
  it.each(["/signin", "/accounts", "/admin/broker", "/admin/audit", "/console?account=x&role=y"])(
    "%s: scripts only with this response's nonce, no inline scripts, no framing",
    async (page) => {
      const res = await alice.request(page);
      const html = await res.text();
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, csp).toBeTruthy();
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      // Every script element of the page carries that nonce (Next.js adds it to its own).
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    },
  );

  // The proxy skips only Next.js's own static files: a path that merely resembles one is answered
  // by the portal's not-found page, scripts and all, which needs the policy like any other page.
  it.each(["/favicon.ico", "/faviconXico", "/_next/staticX", "/_next/imageX/y"])(
    "%s: the not-found page a static-file lookalike gets carries the policy too",
    async (page) => {
      const res = await fetch(`${stack.portalUrl}${page}`, { redirect: "manual" });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("<script");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("'nonce-");
      expect(csp).toContain("frame-ancestors 'none'");
    },
  );

  it("each response has its own nonce", async () => {
    const nonce = async () =>
      /'nonce-([^']+)'/.exec(
        (await alice.request("/accounts")).headers.get("content-security-policy") ?? "",
      )?.[1];
    expect(await nonce()).not.toBe(await nonce());
  });
});

describe("state changes only from the portal's own pages", () => {
  const post = (pathname: string, headers: Record<string, string>, body: BodyInit = "{}") =>
    fetch(`${stack.portalUrl}${pathname}`, {
      method: "POST",
      redirect: "manual",
      headers: { ...alice.jar.headersFor(stack.portalUrl), ...headers },
      body,
    });

  it.each([
    ["no Origin", {}],
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["Origin null (a sandboxed frame)", { Origin: "null" }],
  ])("a server action with %s is refused with 403 before it runs", async (_case, origin) => {
    const before = await stack.db.auditEvent.count({ where: { action: "broker.locked" } });
    const form = new FormData();
    form.append("0", JSON.stringify(["$K1"]));
    const res = await post(
      "/admin/broker",
      { ...origin, "Next-Action": actionId("lockBroker"), Accept: "text/x-component" },
      form,
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("csrf_rejected");
    expect(await stack.db.auditEvent.count({ where: { action: "broker.locked" } })).toBe(before);
  });

  it("the same action from the portal's origin runs (the control)", async () => {
    const form = new FormData();
    form.append("0", JSON.stringify(["$K1"]));
    const res = await post(
      "/admin/broker",
      {
        Origin: stack.portalUrl,
        "Next-Action": actionId("lockBroker"),
        Accept: "text/x-component",
      },
      form,
    );
    expect(res.status).toBe(200);
    expect(await stack.db.auditEvent.count({ where: { action: "broker.locked" } })).toBeGreaterThan(
      0,
    );
  });

  it.each(["/faviconXico", "/_next/staticX/admin/broker"])(
    "a server action posted to %s (a static-file lookalike) without Origin is refused with 403",
    async (pathname) => {
      const form = new FormData();
      form.append("0", JSON.stringify(["$K1"]));
      const res = await post(
        pathname,
        { "Next-Action": actionId("lockBroker"), Accept: "text/x-component" },
        form,
      );
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("csrf_rejected");
    },
  );

  it("an API write without Origin is refused with 403", async () => {
    const roleId = (await stack.db.role.findFirstOrThrow()).id;
    const res = await post(`/api/roles/${roleId}/credentials`, {
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(403);
  });

  it("the SAML endpoints an IdP posts to from its own site are not Origin-checked (their assertion is)", async () => {
    const res = await post(
      "/api/auth/saml/acs",
      {
        Origin: "https://idp.example",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      "SAMLResponse=junk",
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/signin?error=saml");
  });
});

describe("no session identifier reaches client JavaScript", () => {
  it("/api/auth/session tells the browser only when the session ends", async () => {
    const res = await alice.request("/api/auth/session");
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["expires"]);
    const sessionIds = (await stack.db.portalSession.findMany({ select: { id: true } })).map(
      (s) => s.id,
    );
    const text = JSON.stringify(body);
    for (const id of sessionIds) expect(text).not.toContain(id);
  });

  it("the session cookie is HttpOnly and SameSite=Lax", () => {
    const cookie = alice.jar.all().find((c) => c.name === "gatehouse.session");
    expect(cookie).toMatchObject({ httpOnly: true, path: "/" });
    expect(cookie!.sameSite?.toLowerCase()).toBe("lax");
  });
});

describe("over https: HSTS and __Host- cookies", () => {
  let https: TestStack;
  beforeAll(async () => {
    // The portal's public URL is https (a TLS-terminating proxy in front); tests reach the same
    // process over plain http on loopback.
    https = await startTestStack({ extraEnv: { NEXTAUTH_URL: "https://localhost:8443" } });
  });
  afterAll(async () => {
    await https?.stop();
  });

  it("every response says Strict-Transport-Security", async () => {
    for (const page of ["/signin", "/api/health"]) {
      const res = await fetch(`${https.portalUrl}${page}`, { redirect: "manual" });
      expect(res.headers.get("strict-transport-security")).toBe(
        "max-age=63072000; includeSubDomains",
      );
    }
  });

  it("cookies are __Host-: Secure, Path=/, no Domain", async () => {
    const res = await fetch(`${https.portalUrl}/api/auth/csrf`);
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^__Host-gatehouse\./);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; Path=\//i);
      expect(cookie).not.toMatch(/; Domain=/i);
    }
  });
});

/**
 * Every API route but next-auth's (where OPTIONS is a 405 on purpose: auth-routes-hostile) and the
 * methods it serves. A route file added under app/api must be listed here.
 */
const API_ROUTES: Array<[string, string[]]> = [
  ["/api/access-requests", ["GET", "POST"]],
  ["/api/access-requests/x/cancel", ["POST"]],
  ["/api/access-requests/x/decision", ["POST"]],
  ["/api/access-requests/x/revoke", ["POST"]],
  ["/api/admin/audit/export", ["GET"]],
  ["/api/admin/audit/verify", ["POST"]],
  ["/api/admin/discovery", ["GET", "POST"]],
  ["/api/admin/discovery/x", ["GET"]],
  ["/api/admin/discovery/x/apply", ["POST"]],
  ["/api/admin/webhooks/x/retry", ["POST"]],
  ["/api/auth/saml/acs", ["POST"]],
  ["/api/auth/saml/metadata", ["GET"]],
  ["/api/auth/saml/slo", ["GET", "POST"]],
  ["/api/auth/saml/x/login", ["GET"]],
  ["/api/auth/sign-out", ["POST"]],
  ["/api/auth/step-up", ["GET"]],
  ["/api/aws/saml/claim", ["GET"]],
  ["/api/aws/saml/relay", ["POST"]],
  ["/api/aws/saml/start", ["GET"]],
  ["/api/cli-sessions", ["DELETE"]],
  ["/api/cli-sessions/x", ["DELETE"]],
  ["/api/device/decision", ["POST"]],
  ["/api/favorites/x", ["PUT", "DELETE"]],
  ["/api/health", ["GET"]],
  ["/api/metrics", ["GET"]],
  ["/api/ready", ["GET"]],
  ["/api/roles/x/console", ["POST"]],
  ["/api/roles/x/credentials", ["POST"]],
  ["/api/v1/console", ["POST"]],
  ["/api/v1/credentials", ["POST"]],
  ["/api/v1/device/code", ["POST"]],
  ["/api/v1/device/token", ["POST"]],
  ["/api/v1/me", ["GET"]],
  ["/api/v1/openapi.json", ["GET"]],
  ["/api/v1/roles", ["GET"]],
  ["/api/v1/token", ["DELETE"]],
];

/** The route files not in API_ROUTES: next-auth's (auth-routes-hostile) and the catch-all 404. */
const NOT_LISTED = [/^\/api\/auth\/\[\.\.\.nextauth\]$/, /^\/api\/\[\.\.\.path\]$/];

/** What a route serving `served` answers to, in the order the Allow header names them. */
function allowFor(served: string[]): string {
  const allowed = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    .filter((m) => served.includes(m))
    .flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
  return [...allowed, "OPTIONS"].join(", ");
}

describe("OPTIONS and 405 name exactly the methods an API route serves", () => {
  it("the table lists every API route file", () => {
    const routes = fs
      .readdirSync(path.join(ROOT, "app/api"), { recursive: true, encoding: "utf8" })
      .filter((file) => path.basename(file) === "route.ts")
      .map((file) => `/api/${path.dirname(file)}`.replace(/\[\w+\]/g, "x"))
      .filter((route) => !NOT_LISTED.some((re) => re.test(route)))
      .sort();
    expect(routes).toEqual(API_ROUTES.map(([route]) => route).sort());
  });

  it.each(API_ROUTES)("OPTIONS %s: 204, Allow names what it serves", async (route, served) => {
    const res = await fetch(`${stack.portalUrl}${route}`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe(allowFor(served));
  });

  it.each(
    API_ROUTES.flatMap(([route, served]) =>
      ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .filter((m) => !served.includes(m))
        .map((method): [string, string, string[]] => [method, route, served]),
    ),
  )("%s %s, a method it does not serve: 405 with the same Allow", async (method, route, served) => {
    const res = await fetch(`${stack.portalUrl}${route}`, {
      method,
      headers: { origin: stack.portalUrl },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allowFor(served));
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "method_not_allowed",
    );
  });
});
