/** An interaction step's refusal, and the HTML error page every failure becomes. */
import type { IncomingMessage, ServerResponse } from "node:http";

import { errors } from "oidc-provider";

import { escapeHtml, renderPage, sendHtml } from "./html";
import type { InteractionContext } from "./interaction-context";
import { describeError } from "./log";

export class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly userMessage: string,
  ) {
    super(userMessage);
    this.name = "BadRequest";
  }
}

export function respondWithError(
  context: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
): void {
  let status = 500;
  let message = "Something went wrong. Go back to the application and start again.";
  if (err instanceof BadRequest) {
    ({ status, userMessage: message } = err);
  } else if (err instanceof errors.SessionNotFound) {
    status = 400;
    message =
      "Your sign-in request has expired or was not started here. Go back to the application and start again.";
  }
  const path = (req.url ?? "").split("?", 1)[0];
  context.log(`interaction ${req.method ?? "?"} ${path}: ${status} ${describeError(err)}`);

  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Drain nothing further from a rejected upload: close the connection after answering.
  if (status === 413) res.setHeader("Connection", "close");
  sendHtml(
    res,
    status,
    renderPage(
      `Error - ${context.title}`,
      `<h1>Sign-in failed</h1>
<p class="sub">${escapeHtml(context.title)}</p>
<p class="error" role="alert">${escapeHtml(message)}</p>`,
    ),
  );
}
