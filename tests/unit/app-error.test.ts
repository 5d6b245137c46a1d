import { describe, expect, it } from "vitest";
import type * as errors from "@/lib/errors";
import { AppError, isAppError } from "@/lib/errors";

describe("AppError is recognised across bundles", () => {
  it("an AppError from another copy of the module (another Next.js bundle) is an AppError here", async () => {
    // A query string makes the module loader evaluate lib/errors.ts a second time, as a
    // separate bundle would: a distinct AppError class with the same brand.
    const secondCopy: string = "@/lib/errors?second-bundle";
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof errors;
    expect(other.AppError).not.toBe(AppError);
    const foreign = new other.AppError("aws_unavailable", "AWS STS could not be reached.");
    expect(foreign instanceof AppError).toBe(true);
    expect(isAppError(foreign)).toBe(true);
    expect(new AppError("not_found", "x") instanceof other.AppError).toBe(true);
  });

  it("other errors, look-alikes and non-objects are not AppErrors", () => {
    const lookAlike = Object.assign(new Error("x"), { name: "AppError", code: "internal" });
    for (const value of [lookAlike, new Error("x"), null, undefined, "AppError", 42, {}]) {
      expect(value instanceof AppError).toBe(false);
      expect(isAppError(value)).toBe(false);
    }
  });
});
