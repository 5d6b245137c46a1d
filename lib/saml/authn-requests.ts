import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { SamlRejection } from "./types";

/** How long an AuthnRequest may wait for its Response (the user is typing a password meanwhile). */
export const AUTHN_REQUEST_TTL_SECONDS = 10 * 60;
export const BINDING_COOKIE = "gatehouse.saml-binding";
/** Outstanding (unanswered) AuthnRequests kept per browser; the oldest beyond go. */
export const MAX_OUTSTANDING_PER_BROWSER = 10;

function hash(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/** Whether `bindingValue` (the browser's cookie) is the one whose hash a stored request holds. */
export function isSameBrowser(storedHash: string, bindingValue: string | undefined): boolean {
  const expected = Buffer.from(storedHash);
  const actual = Buffer.from(bindingValue ? hash(bindingValue) : "");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The hash of a binding value, as stored with a request. */
export function bindingHashOf(bindingValue: string): string {
  return hash(bindingValue);
}

/** A fresh random value for the browser-binding cookie (one per browser, reused across tabs). */
export function newBindingValue(): string {
  return randomBytes(32).toString("base64url");
}

/** Records an AuthnRequest as issued to the browser holding `bindingValue`. */
export async function rememberAuthnRequest(
  db: Db,
  req: {
    id: string;
    idpId: string;
    purpose: "login" | "aws";
    bindingValue: string;
    returnTo: string;
    now: Date;
  },
): Promise<void> {
  await db.samlAuthnRequest.create({
    data: {
      id: req.id,
      idpId: req.idpId,
      purpose: req.purpose,
      browserBindingHash: hash(req.bindingValue),
      returnTo: req.returnTo,
      expiresAt: new Date(req.now.getTime() + AUTHN_REQUEST_TTL_SECONDS * 1000),
    },
  });
  // Opportunistic clean-up keeps the table small without a scheduler.
  await db.samlAuthnRequest.deleteMany({
    where: { expiresAt: { lt: new Date(req.now.getTime() - 3600_000) } },
  });
  // One browser keeps at most a few sign-ins in flight (tabs, retries): older ones are dropped,
  // so repeated starts can't grow the table (per address, the sign-in rate limit applies).
  const stale = await db.samlAuthnRequest.findMany({
    where: { browserBindingHash: hash(req.bindingValue), usedAt: null },
    orderBy: { createdAt: "desc" },
    skip: MAX_OUTSTANDING_PER_BROWSER,
    select: { id: true },
  });
  if (stale.length > 0)
    await db.samlAuthnRequest.deleteMany({ where: { id: { in: stale.map((r) => r.id) } } });
}

/**
 * Consumes the AuthnRequest a Response answers: it must exist, be for this IdP and purpose, be
 * unexpired, have been issued to this browser, and not have been used. The "used" mark is a
 * conditional update, so two concurrent posts of the same response can't both pass.
 * @throws SamlRejection unknown_in_response_to | reused_in_response_to
 */
export async function consumeAuthnRequest(
  db: Db,
  inResponseTo: string,
  ctx: { idpId: string; purpose: "login" | "aws"; bindingValue: string | undefined; now: Date },
): Promise<{ returnTo: string }> {
  const row = await db.samlAuthnRequest.findUnique({ where: { id: inResponseTo } });
  if (!row || row.idpId !== ctx.idpId || row.purpose !== ctx.purpose || row.expiresAt <= ctx.now) {
    throw new SamlRejection(
      "unknown_in_response_to",
      `no outstanding ${ctx.purpose} AuthnRequest ${inResponseTo.slice(0, 80)} for this IdP`,
    );
  }
  if (!isSameBrowser(row.browserBindingHash, ctx.bindingValue)) {
    throw new SamlRejection(
      "unknown_in_response_to",
      "the AuthnRequest was issued to another browser",
    );
  }
  if (row.usedAt !== null)
    throw new SamlRejection("reused_in_response_to", `AuthnRequest ${row.id} was already answered`);
  const marked = await db.samlAuthnRequest.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: ctx.now },
  });
  if (marked.count !== 1)
    throw new SamlRejection("reused_in_response_to", `AuthnRequest ${row.id} was already answered`);
  return { returnTo: row.returnTo };
}
