// The benchmarks' order statistics, one definition for all of them.

/** The p-th percentile of samples sorted ascending (nearest rank, no interpolation); NaN if none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The median of samples in any order (the upper middle one for an even count); NaN if none. */
export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}
