// Posts a server action the way React does (`Next-Action` header, the arguments as multipart form
// fields) and reads its return value from the React Flight reply, so integration tests drive the
// real action of the built portal over HTTP. `act` posts any admin action by its exported name
// (form-state or plain), optionally from another origin.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "@/dev/local-stack";
import type { PortalSession } from "./portal-client";

function findAction(
  matches: (v: { filename: string; exportedName: string }) => boolean,
  what: string,
): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const entry = Object.entries(manifest.node).find(([, v]) => matches(v));
  if (!entry) throw new Error(`no server action ${what} in the build`);
  return entry[0];
}

/** The id under which the build registered the action `exportedName` of `file` (under app/). */
export function serverActionId(file: string, exportedName: string): string {
  return findAction(
    (v) => v.filename === file && v.exportedName === exportedName,
    `${exportedName} in ${file}`,
  );
}

/** The id of the admin action exported as `exportedName` (names are unique under app/admin/). */
export function actionId(exportedName: string): string {
  return findAction(
    (v) => v.filename.startsWith("app/admin/") && v.exportedName === exportedName,
    exportedName,
  );
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

/** Posts an admin action as React would, from the portal's own page (or from `origin`). */
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

export interface ActionReply<T> {
  status: number;
  requestId: string | null;
  /** The action's return value: the first JSON row of the reply that `isState` accepts. */
  state: T | null;
  text: string;
}

/**
 * Calls a form-state action (`useActionState`) from `page` with `previous` and `fields`;
 * `isState` picks its return value out of the Flight rows.
 */
export async function postAction<T>(
  session: PortalSession,
  page: string,
  action: { file: string; name: string },
  previous: unknown,
  fields: Record<string, string>,
  isState: (value: Record<string, unknown>) => boolean,
): Promise<ActionReply<T>> {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(`_1_${key}`, value);
  body.append("0", JSON.stringify([previous, "$K1"]));
  const res = await session.request(page, {
    method: "POST",
    body,
    headers: {
      "Next-Action": serverActionId(action.file, action.name),
      Accept: "text/x-component",
    },
  });
  const text = await res.text();
  const state = stateInFlight<T>(text, isState);
  return { status: res.status, requestId: res.headers.get("x-request-id"), state, text };
}

/**
 * A Flight reply's rows. Most end at a newline; a long string (a pasted metadata document handed
 * back in a refused form's values) is a text row, `<id>:T<hex byte length>,<text>`, with no newline
 * after it, so the next row starts right after its last byte.
 */
function flightRows(text: string): string[] {
  const bytes = Buffer.from(text, "utf8");
  const rows: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const head = /^[0-9a-f]*:T([0-9a-f]+),/.exec(bytes.subarray(at, at + 32).toString("latin1"));
    if (head) {
      at += head[0].length + Number.parseInt(head[1] ?? "0", 16);
      continue;
    }
    const end = bytes.indexOf(0x0a, at);
    rows.push(bytes.subarray(at, end < 0 ? bytes.length : end).toString("utf8"));
    at = end < 0 ? bytes.length : end + 1;
  }
  return rows;
}

/** The action's return value in a React Flight reply: the first JSON row that `isState` accepts. */
export function stateInFlight<T>(
  text: string,
  isState: (value: Record<string, unknown>) => boolean,
): T | null {
  for (const row of flightRows(text)) {
    const payload = row.slice(row.indexOf(":") + 1);
    if (!payload.startsWith("{")) continue;
    try {
      const value = JSON.parse(payload) as Record<string, unknown>;
      if (isState(value)) return value as T;
    } catch {
      // another kind of row
    }
  }
  return null;
}
