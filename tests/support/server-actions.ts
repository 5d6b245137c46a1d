// Server actions called over HTTP as React calls them: the action id from the build's manifest, the
// form fields encoded as React encodes a bound FormData, and the Next-Action header.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "@/dev/local-stack";
import type { PortalSession } from "./portal-client";

export function actionId(exportedName: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const entry = Object.entries(manifest.node).find(
    ([, v]) => v.filename.startsWith("app/admin/") && v.exportedName === exportedName,
  );
  if (!entry) throw new Error(`no server action ${exportedName} in the build`);
  return entry[0];
}

/** An action as React calls it: `(previousState, formData)` for form-state actions, else `(formData)`. */
export interface ActionCall {
  name: string;
  page: () => string;
  fields: () => Record<string, string>;
  /** The previous form state, for actions used with useActionState. */
  state?: unknown;
  /** What the refusal says, for actions that answer with a form state. */
  refusal?: string;
}

export async function act(session: PortalSession, call: ActionCall, origin?: string) {
  const body = new FormData();
  for (const [key, value] of Object.entries(call.fields())) body.append(`_1_${key}`, value);
  body.append("0", JSON.stringify(call.state === undefined ? ["$K1"] : [call.state, "$K1"]));
  const res = await session.request(call.page(), {
    method: "POST",
    body,
    headers: {
      "Next-Action": actionId(call.name),
      Accept: "text/x-component",
      ...(origin ? { Origin: origin } : {}),
    },
  });
  return {
    status: res.status,
    requestId: res.headers.get("x-request-id"),
    redirect: res.headers.get("x-action-redirect"),
    text: await res.text(),
  };
}
