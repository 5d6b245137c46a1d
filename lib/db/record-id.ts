import { z } from "zod";

/** Database ids are cuids: lowercase letters and digits. Anything else is malformed, not "not found". */
export const recordId = z.string().regex(/^[a-z0-9]{20,32}$/, "must be a record id");
