"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { actorOf } from "@/lib/audit/actor";
import { setSamlIdpLinkByEmail } from "@/lib/people/link-by-email";
import { linkIdentityToPerson, unlinkIdentity } from "@/lib/people/people";
import { revokePersonAccess } from "@/lib/people/revoke-person";
import { currentTime } from "@/lib/clock";
import { actionForm } from "@/lib/http/action-form";
import { notifySettings } from "@/lib/access-requests/request-context";
import { kickAccessRequestWorker } from "@/lib/access-requests/worker";

// Every server action checks for itself that the caller is a signed-in admin (invariant 4); a
// refusal is audited as admin.denied, changes nothing and goes nowhere. Results come back as a
// notice code (the page words it), never as text from the request.

/** Back to the page, keeping the admin's search and the page of it they were on. */
function back(form: FormData, notice: string, extra: Record<string, string> = {}): never {
  const q = form.get("q");
  const page = form.get("page");
  const params = new URLSearchParams({ notice, ...extra });
  if (typeof q === "string" && q.trim() !== "") params.set("q", q.trim().slice(0, 200));
  if (typeof page === "string" && /^[1-9]\d{0,4}$/.test(page) && page !== "1")
    params.set("page", page);
  revalidatePath("/admin/people");
  redirect(`/admin/people?${params.toString()}`);
}

const idOf = (form: FormData, name: string): string | null => {
  const v = form.get(name);
  return typeof v === "string" && recordId.safeParse(v).success ? v : null;
};

export async function linkIdentity(input: unknown): Promise<void> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "link identity");
  if (!check.allowed) return;
  const personId = idOf(form, "personId");
  const identityId = idOf(form, "identityId");
  if (!personId || !identityId) back(form, "choose_identity");
  const result = await linkIdentityToPerson(getDb(), {
    personId,
    identityId,
    actor: actorOf(check.user),
    meta: check.meta,
    now: currentTime(),
    notify: notifySettings(),
  });
  if (result.ok) kickAccessRequestWorker(); // an elevation it ended is told now
  back(form, result.ok ? "linked" : result.reason === "not_found" ? "not_found" : "same_person");
}

export async function unlinkIdentityAction(input: unknown): Promise<void> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "unlink identity");
  if (!check.allowed) return;
  const identityId = idOf(form, "identityId");
  if (!identityId) back(form, "not_found");
  const result = await unlinkIdentity(getDb(), {
    identityId,
    actor: actorOf(check.user),
    meta: check.meta,
  });
  back(
    form,
    result.ok ? "unlinked" : result.reason === "not_found" ? "not_found" : "only_identity",
  );
}

export async function setLinkByEmail(input: unknown): Promise<void> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "change link-by-email");
  if (!check.allowed) return;
  const id = idOf(form, "id");
  if (!id) back(form, "not_found");
  const result = await setSamlIdpLinkByEmail(
    getDb(),
    id,
    form.get("linkByEmail") === "true",
    actorOf(check.user),
    check.meta,
  );
  back(form, result.ok ? "policy_saved" : "not_found");
}

/**
 * Ends a person's portal sessions and CLI tokens everywhere at once; the page then shows the AWS
 * deny policy for what was already issued (README "Revoking a person").
 */
export async function revokePersonAction(input: unknown): Promise<void> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "revoke person");
  if (!check.allowed) return;
  const personId = idOf(form, "personId");
  if (!personId) back(form, "not_found");
  const result = await revokePersonAccess(getDb(), {
    personId,
    actor: actorOf(check.user),
    meta: check.meta,
    now: currentTime(),
    notify: notifySettings(),
  });
  if (!result.ok) back(form, "not_found");
  kickAccessRequestWorker(); // the ended requests' webhooks go out now
  // The page reads what was revoked back from the audit event these two name.
  back(form, "revoked", { person: personId, at: result.revokedAt.toISOString() });
}
