"use client";

import { useEffect, type RefObject } from "react";

/**
 * After a refused submit, puts focus on the form's first field marked invalid, so a keyboard user
 * lands where the fix is and a screen reader reads that field's name and its error (its
 * aria-describedby) instead of nothing: the submit button, disabled while the form was sending,
 * has lost focus by then. `outcome` is the state the form's action returned; each new one is one
 * submit's answer.
 */
export function useFocusFirstInvalid(
  form: RefObject<HTMLFormElement | null>,
  outcome: unknown,
  hasFieldErrors: boolean,
): void {
  useEffect(() => {
    if (!hasFieldErrors) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, outcome, hasFieldErrors]);
}
