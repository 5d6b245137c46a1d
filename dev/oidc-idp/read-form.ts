/** Reading a posted interaction form, bounded in size. */
import type { IncomingMessage } from "node:http";

import { readFormBody } from "../form-body";
import { BadRequest } from "./interaction-errors";

const MAX_FORM_BYTES = 8 * 1024;

export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return readFormBody(req, MAX_FORM_BYTES, (status, message) => new BadRequest(status, message));
}
