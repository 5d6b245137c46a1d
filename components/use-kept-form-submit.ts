"use client";

import { startTransition, type FormEvent } from "react";

/**
 * An onSubmit that runs a form's action (from useActionState) without React's reset of the form.
 * React 19 resets a form once its action settles: a controlled radio or select then shows its
 * first default while the component's state still holds the choice, so the fields shown no longer
 * match what a second submit sends. A refused form must show exactly what was submitted, so the
 * action gets the same FormData inside a transition, and the fields stay as they are. Without
 * JavaScript the form still posts to its action.
 */
export function submitKeepingFields(
  formAction: (data: FormData) => void,
): (event: FormEvent<HTMLFormElement>) => void {
  return (event) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter ?? null;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => formAction(data));
  };
}
