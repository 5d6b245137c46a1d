/**
 * `/__standin/*` routes for the IAM and Organizations side, for processes that started the
 * stand-in elsewhere (the same controls as the AwsStandin methods):
 *
 * - `GET /__standin/service-calls`: the IAM and Organizations call log (cleared by reset-calls).
 * - `GET|POST /__standin/service-throttle`: each service's throttle / JSON
 *   `{ "service": "iam" | "organizations", "throttle": { everyNth?, failFirst? } | null }`.
 * - `POST /__standin/roles` `{ "accountId", "role": StandinRole }`: adds or replaces a role.
 * - `POST /__standin/remove-role` `{ "roleArn" }`: 200 `{ removed: boolean }`.
 * - `POST /__standin/organization-members` `{ "member": StandinOrganizationMember }`: adds one.
 * - `POST /__standin/update-organization-member` `{ "accountId", "patch": { name?, status?,
 *   parentId?, tags? } }`.
 *
 * A malformed body or a change the world refuses answers 400 naming every problem.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { onlyFor, readJsonObject, sendJson } from "./admin-routes";
import { STATUSES } from "./organization-index";
import type { Router } from "./router";
import {
  addOrganizationMember,
  putRole,
  removeRole,
  updateOrganizationMember,
} from "./world-controls";

const MAX_BODY_BYTES = 256 * 1024;

const policy = z.union([z.string(), z.record(z.string(), z.unknown())]);
const tags = z.record(z.string(), z.string());
const status = z.enum(STATUSES);

const schemas = {
  throttle: z.strictObject({
    service: z.enum(["iam", "organizations"]),
    throttle: z.unknown(),
  }),
  role: z.strictObject({
    accountId: z.string(),
    role: z.strictObject({
      name: z.string(),
      maxSessionDurationSeconds: z.number(),
      trustedPrincipalArns: z.array(z.string()).default([]),
      allowsSourceIdentity: z.boolean().default(false),
      allowsTagSession: z.boolean().default(false),
      trustedSamlProviderArns: z.array(z.string()).optional(),
      requiresMfa: z.boolean().optional(),
      trustPolicy: policy.optional(),
      permissionPolicy: policy.optional(),
      description: z.string().optional(),
      path: z.string().optional(),
    }),
  }),
  removeRole: z.strictObject({ roleArn: z.string() }),
  member: z.strictObject({
    member: z.strictObject({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      status: status.optional(),
      parentId: z.string().optional(),
      tags: tags.optional(),
    }),
  }),
  patch: z.strictObject({
    accountId: z.string(),
    patch: z.strictObject({
      name: z.string().optional(),
      status: status.optional(),
      parentId: z.string().optional(),
      tags: tags.optional(),
    }),
  }),
};

/** Handles the route if it is one of these; false otherwise. */
export async function routeWorldAdmin(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
): Promise<boolean> {
  switch (path) {
    case "/__standin/service-calls":
      onlyFor(req, res, "GET", () => sendJson(res, 200, router.state.serviceCalls));
      return true;
    case "/__standin/service-throttle":
      if (req.method === "GET") sendJson(res, 200, router.throttles.status());
      else if (req.method === "POST") {
        await change(req, res, schemas.throttle, (body) => {
          router.throttles.set(body.service, body.throttle);
          return router.throttles.status();
        });
      } else sendJson(res, 405, { error: "GET or POST only" });
      return true;
    case "/__standin/roles":
      await post(req, res, schemas.role, (body) => ({
        arn: putRole(router, body.accountId, body.role),
      }));
      return true;
    case "/__standin/remove-role":
      await post(req, res, schemas.removeRole, (body) => ({
        removed: removeRole(router, body.roleArn),
      }));
      return true;
    case "/__standin/organization-members":
      await post(req, res, schemas.member, (body) => {
        addOrganizationMember(router, body.member);
        return { ok: true };
      });
      return true;
    case "/__standin/update-organization-member":
      await post(req, res, schemas.patch, (body) => {
        updateOrganizationMember(router, body.accountId, body.patch);
        return { ok: true };
      });
      return true;
    default:
      return false;
  }
}

async function post<T>(
  req: IncomingMessage,
  res: ServerResponse,
  schema: z.ZodType<T>,
  apply: (body: T) => unknown,
): Promise<void> {
  if (req.method !== "POST") return sendJson(res, 405, { error: "POST only" });
  await change(req, res, schema, apply);
}

/** Reads and checks the body, applies it; 400 naming every problem, or what `apply` refused. */
async function change<T>(
  req: IncomingMessage,
  res: ServerResponse,
  schema: z.ZodType<T>,
  apply: (body: T) => unknown,
): Promise<void> {
  const raw = await readJsonObject(req, res, MAX_BODY_BYTES, "(see admin-world-routes.ts)");
  if (!raw) return;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join(".") || "body"}: ${issue.message}`,
    );
    return sendJson(res, 400, { error: problems.join("; ") });
  }
  try {
    sendJson(res, 200, apply(parsed.data));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}
