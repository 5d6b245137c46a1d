import "server-only";
/** The sign-in button's POST, read as the form next-auth is given. */
import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { readCappedText } from "@/lib/http/request-body";

/** A sign-in start is a small form: a CSRF token, a return path and `json`. */
const SIGN_IN_START_MAX_BYTES = 16 * 1024;

/**
 * The sign-in button's form (next-auth's client posts a form; it also reads JSON), capped, as the
 * form next-auth is given. Anything else is a 400 rather than a sign-in without its CSRF token.
 */
export async function readSignInStart(request: NextRequest): Promise<URLSearchParams> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const isForm = type.startsWith("application/x-www-form-urlencoded");
  if (!isForm && !type.startsWith("application/json"))
    throw new AppError("validation_error", "Expected a form post.");
  const text = await readCappedText(request, SIGN_IN_START_MAX_BYTES);
  if (isForm) return new URLSearchParams(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("validation_error", "The request body is not valid JSON.");
  }
  const form = new URLSearchParams();
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new AppError("validation_error", "The request body must be a JSON object.");
  for (const [name, field] of Object.entries(value)) {
    if (typeof field !== "string")
      throw new AppError("validation_error", "The request is not valid.", {
        issues: [{ path: name, message: "must be a string" }],
      });
    form.append(name, field);
  }
  return form;
}
