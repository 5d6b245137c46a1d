import "server-only";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { asAppError } from "./api-handler";
import { errorBody } from "./errors";
import type { RequestMeta } from "@/lib/request-meta";
import { verifyAndRecord } from "@/lib/audit/record-audit-access";

export const VERIFICATION_STREAM_TYPE = "application/x-ndjson; charset=utf-8";

/**
 * A verification as JSON Lines: `{"progress":{"checked":N,"total":M}}` at most every
 * `intervalMs` while the chain is walked (a million events take most of a minute: the person
 * watching sees it move, and no proxy sees an idle connection), then one `{"report":…}` — or
 * `{"error":…}` in the API's error shape. The verification is audited like the plain JSON one;
 * it runs to the end and is recorded even if the reader goes away.
 */
export function verificationStream(
  db: Db,
  actor: AuditActor,
  meta: RequestMeta,
  opts: { intervalMs?: number } = {},
): ReadableStream<Uint8Array> {
  const intervalMs = opts.intervalMs ?? 250;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (value: unknown) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch {
          open = false; // The reader went away; the verification still finishes and is audited.
        }
      };
      let lastSent = -Infinity;
      try {
        const report = await verifyAndRecord(db, actor, meta, "portal", async (progress) => {
          const now = performance.now();
          if (now - lastSent < intervalMs) return;
          lastSent = now;
          send({ progress });
          // A synchronous database driver resolves every query without a turn of the event loop:
          // give the socket one, or every line would leave together at the end.
          await new Promise((resolve) => setImmediate(resolve));
        });
        send({ report });
      } catch (error) {
        send(errorBody(asAppError(error, meta), meta.requestId));
      }
      if (open) controller.close();
    },
  });
}
