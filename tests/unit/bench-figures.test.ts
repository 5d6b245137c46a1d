import { describe, expect, it } from "vitest";

import { targetMet, type Figure } from "../bench/figures";

/** How `npm run bench` reads a figure against its target (tests/bench/summary.ts). */
describe("a benchmark figure is read against its target", () => {
  const figure = (over: Partial<Figure>): Figure => ({ name: "x", value: 10, unit: "ms", ...over });

  it.each<[string, Partial<Figure>, boolean | null]>([
    ["at most, below", { target: { atMost: 15 } }, true],
    ["at most, equal", { target: { atMost: 10 } }, true],
    ["at most, above", { target: { atMost: 5 } }, false],
    ["at least, above", { target: { atLeast: 5 } }, true],
    ["at least, below", { target: { atLeast: 1000 } }, false],
    ["no target", {}, null],
    [
      "an inconclusive figure is neither met nor missed, even below its target",
      { value: -24.5, target: { atMost: 15 }, inconclusive: "the baseline's tail was slower" },
      null,
    ],
  ])("%s", (_rule, over, met) => {
    expect(targetMet(figure(over))).toBe(met);
  });
});
