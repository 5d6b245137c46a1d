import { settingsSchema } from "./schema";

/**
 * GATEHOUSE_* variables that something other than the portal reads, so they may well be set where
 * the portal runs: the gatehouse CLI's (docs/CLI.md), and the demo's and test stacks' own.
 */
const READ_ELSEWHERE = new Set([
  "GATEHOUSE_URL",
  "GATEHOUSE_HOME",
  "GATEHOUSE_NO_BROWSER",
  "GATEHOUSE_SESSION",
  "GATEHOUSE_SERVE_PORT",
  "GATEHOUSE_TIER",
  "GATEHOUSE_CHROMIUM",
  "GATEHOUSE_FAILURES_FILE",
  "GATEHOUSE_E2E_SHOTS",
  "GATEHOUSE_UPDATE_SCREENSHOTS",
]);
const READ_ELSEWHERE_PREFIXES = ["GATEHOUSE_DEMO_", "GATEHOUSE_TEST_"];
const READ_ELSEWHERE_SUFFIXES = ["_SCREENSHOT", "_SCREENSHOTS"];

export interface UnknownSetting {
  name: string;
  /** The setting it most likely meant, when one is a small typo away. */
  suggestion: string | undefined;
}

/**
 * The GATEHOUSE_* variables in `env` that no part of Gatehouse reads: almost always a typo, which
 * would otherwise leave the setting it meant at its default without a word (docs/OPERATIONS.md
 * "Settings").
 */
export function unknownSettings(env: Record<string, string | undefined>): UnknownSetting[] {
  const known = Object.keys(settingsSchema.shape);
  return Object.keys(env)
    .filter(
      (name) =>
        name.startsWith("GATEHOUSE_") &&
        !known.includes(name) &&
        !READ_ELSEWHERE.has(name) &&
        !READ_ELSEWHERE_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
        !READ_ELSEWHERE_SUFFIXES.some((suffix) => name.endsWith(suffix)),
    )
    .sort()
    .map((name) => ({ name, suggestion: nearest(name, known) }));
}

/** One line per unknown setting, for the start-up log and the refused-settings list. */
export function describeUnknownSetting({ name, suggestion }: UnknownSetting): string {
  return `${name} is not a Gatehouse setting and is ignored${suggestion ? `: did you mean ${suggestion}?` : " (.env.example lists every setting)"}`;
}

/** The known name within a few edits of `name` (a letter dropped, doubled or swapped, a word's plural). */
function nearest(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= 3 && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
