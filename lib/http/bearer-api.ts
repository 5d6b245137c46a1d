import "server-only";
import { noteRequestPerson } from "@/lib/log/request-record";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import { ANONYMOUS_ACTOR } from "@/lib/audit/write-audit-event";
import { privilegeSettingsOf } from "@/lib/auth/current-user";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { findCliTokenUser, type CliTokenView } from "@/lib/cli-auth/cli-tokens";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { enforceRateLimit } from "@/lib/rate-limit/counter";
import type { RateLimitName } from "@/lib/rate-limit/settings";
import type { RequestMeta } from "@/lib/request-meta";
import { errorResponse, NO_STORE } from "./api-handler";
import { REQUEST_ID_HEADER, requestMetaFrom } from "./request-meta";

export interface BearerContext<P> {
  request: NextRequest;
  user: SignedInUser;
  token: CliTokenView;
  /** Carries the token's id: every audit event of the request names it. */
  meta: RequestMeta;
  params: P;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

// The scheme's name is case-insensitive (RFC 7235 §2.1).
const BEARER_PATTERN = /^Bearer ([\x21-\x7e]{1,512})$/i;

/**
 * The guard of every /api/v1 resource endpoint (docs/API.md): authenticates the CLI's bearer token
 * and nothing else — no cookie is read, so there is nothing for a cross-site request to borrow —
 * counts the request against the per-person `rateLimit` when given, validates route params, and
 * answers every failure in the portal's one JSON error shape, never cached. A presented token that
 * is refused is audited (as an anonymous refusal: bounded per address).
 */
export function withCliToken<S extends z.ZodType>(
  paramsSchema: S,
  handler: (ctx: BearerContext<z.output<S>>) => Promise<Response>,
  opts: { rateLimit?: RateLimitName } = {},
): (request: NextRequest, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    let meta = requestMetaFrom(request.headers);
    try {
      const header = request.headers.get("authorization");
      const bearer = header === null ? null : (BEARER_PATTERN.exec(header)?.[1] ?? null);
      if (bearer === null) {
        throw new AppError(
          "unauthenticated",
          header === null
            ? "This API needs a gatehouse CLI token (Authorization: Bearer …). Run gatehouse login."
            : "The Authorization header must be: Bearer <token>.",
        );
      }
      const config = getConfig();
      const db = getDb();
      const now = currentTime();
      const found = await findCliTokenUser(db, bearer, {
        ...privilegeSettingsOf(config),
        now,
        clientAddress: meta.ip,
      });
      if ("refused" in found) {
        log.info("cli token refused", { requestId: meta.requestId, reason: found.refused });
        await recordAnonymousRefusal(
          db,
          {
            action: "cli.token-refused",
            outcome: "denied",
            actor: ANONYMOUS_ACTOR,
            meta,
            details: { reason: found.refused, path: request.nextUrl.pathname },
          },
          now,
        );
        throw new AppError(
          "unauthenticated",
          found.refused === "expired" || found.refused === "revoked"
            ? `This CLI sign-in has ${found.refused === "expired" ? "expired" : "been revoked"}. Run gatehouse login.`
            : "This token is not valid. Run gatehouse login.",
        );
      }
      meta = { ...meta, cliTokenId: found.token.id };
      noteRequestPerson(found.user.personId);
      if (opts.rateLimit) {
        await enforceRateLimit(db, config.rateLimits, opts.rateLimit, found.user.personId, now);
      }
      const parsed = paramsSchema.safeParse(await context.params);
      if (!parsed.success) throw new AppError("not_found", "No such resource.");
      const response = await handler({
        request,
        user: found.user,
        token: found.token,
        meta,
        params: parsed.data,
      });
      response.headers.set(REQUEST_ID_HEADER, meta.requestId);
      for (const [name, value] of Object.entries(NO_STORE)) response.headers.set(name, value);
      return response;
    } catch (error) {
      const response = errorResponse(error, meta);
      if (response.status === 401) {
        // RFC 6750 §3: say which scheme, and that the token (if any) was the problem.
        response.headers.set(
          "WWW-Authenticate",
          `Bearer realm="gatehouse"${request.headers.has("authorization") ? ', error="invalid_token"' : ""}`,
        );
      }
      return response;
    }
  };
}
