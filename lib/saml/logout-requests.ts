import "server-only";
import type { Db } from "@/lib/db/client";
import { bindingHashOf, isSameBrowser, MAX_OUTSTANDING_PER_BROWSER } from "./authn-requests";
import { SamlRejection } from "./types";

/** How long the IdP has to answer a LogoutRequest (it may ask the user to confirm). */
export const LOGOUT_REQUEST_TTL_SECONDS = 10 * 60;

/** Records a LogoutRequest sent from the browser holding `bindingValue` at sign-out. */
export async function rememberLogoutRequest(
  db: Db,
  req: { id: string; idpId: string; userId: string; bindingValue: string; now: Date },
): Promise<void> {
  await db.samlLogoutRequest.create({
    data: {
      id: req.id,
      idpId: req.idpId,
      userId: req.userId,
      browserBindingHash: bindingHashOf(req.bindingValue),
      createdAt: req.now,
      expiresAt: new Date(req.now.getTime() + LOGOUT_REQUEST_TTL_SECONDS * 1000),
    },
  });
  // The same housekeeping as AuthnRequests: expired rows go, and one browser keeps a few at most.
  await db.samlLogoutRequest.deleteMany({
    where: { expiresAt: { lt: new Date(req.now.getTime() - 3600_000) } },
  });
  const stale = await db.samlLogoutRequest.findMany({
    where: { browserBindingHash: bindingHashOf(req.bindingValue), usedAt: null },
    orderBy: { createdAt: "desc" },
    skip: MAX_OUTSTANDING_PER_BROWSER,
    select: { id: true },
  });
  if (stale.length > 0)
    await db.samlLogoutRequest.deleteMany({ where: { id: { in: stale.map((r) => r.id) } } });
}

/**
 * Consumes the LogoutRequest a LogoutResponse answers, with the same rules as an AuthnRequest's
 * (lib/saml/authn-requests.ts): it must exist, be this IdP's, be unexpired, have been sent from
 * this browser, and be answered once — the "used" mark is a conditional update, so two posts of
 * one response can't both pass.
 * @throws SamlRejection unknown_in_response_to | reused_in_response_to
 */
export async function consumeLogoutRequest(
  db: Db,
  inResponseTo: string,
  ctx: { idpId: string; bindingValue: string | undefined; now: Date },
): Promise<{ userId: string | null }> {
  const row = await db.samlLogoutRequest.findUnique({ where: { id: inResponseTo } });
  if (!row || row.idpId !== ctx.idpId || row.expiresAt <= ctx.now) {
    throw new SamlRejection(
      "unknown_in_response_to",
      `no outstanding LogoutRequest ${inResponseTo.slice(0, 80)} for this IdP`,
    );
  }
  if (!isSameBrowser(row.browserBindingHash, ctx.bindingValue)) {
    throw new SamlRejection(
      "unknown_in_response_to",
      "the LogoutRequest was sent from another browser",
    );
  }
  const marked = await db.samlLogoutRequest.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: ctx.now },
  });
  if (row.usedAt !== null || marked.count !== 1)
    throw new SamlRejection(
      "reused_in_response_to",
      `LogoutRequest ${row.id} was already answered`,
    );
  return { userId: row.userId };
}
