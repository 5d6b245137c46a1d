// One benchmark figure, as the scripts in tests/bench/ report them to `npm run bench`
// (tests/bench/summary.ts): the value, the baseline measured in the same run, and the target.
import fs from "node:fs";

export interface Figure {
  /** What was measured, e.g. "SQLite: issuance overhead p50 at 50 clients". */
  name: string;
  value: number;
  unit: "ms" | "s" | "/s" | "MB" | "KB";
  /** The same-run baseline this figure is read against. */
  baseline?: { name: string; value: number };
  target?: { atMost: number } | { atLeast: number };
  /**
   * Why this run's figure says nothing about its target, e.g. an overhead below zero: the
   * baseline's own tail was slower than the portal's, which is noise, not a result.
   */
  inconclusive?: string;
}

/**
 * Appends figures to the file BENCH_FIGURES_FILE names (one JSON object per line), when the script
 * runs under `npm run bench`; run alone, a script only prints its own table.
 */
export function recordFigures(figures: Figure[]): void {
  const file = process.env.BENCH_FIGURES_FILE;
  if (!file) return;
  fs.appendFileSync(file, figures.map((f) => `${JSON.stringify(f)}\n`).join(""));
}

/** Whether the target is met; null when there is none or the figure is inconclusive. */
export function targetMet(figure: Figure): boolean | null {
  const t = figure.target;
  if (!t || figure.inconclusive) return null;
  return "atMost" in t ? figure.value <= t.atMost : figure.value >= t.atLeast;
}
