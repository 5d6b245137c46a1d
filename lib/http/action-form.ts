/**
 * A server action's form as it arrived. The portal's pages always send a FormData; anything else
 * (a hand-made call with other arguments) reads as an empty form — every field missing — which the
 * action refuses as it refuses a stale or incomplete form, after its own authorization check.
 */
export function actionForm(input: unknown): FormData {
  return input instanceof FormData ? input : new FormData();
}
