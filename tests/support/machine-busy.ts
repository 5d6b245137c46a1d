// How busy the whole machine was over a stretch of the run: the share of all cores' time (from
// /proc/stat) not spent idle. `npm test` prints it per tier, so a run shows whether a tier kept
// both cores working or left one waiting (docs/ARCHITECTURE.md "Tests").
import fs from "node:fs";

export interface CpuTimes {
  busy: number;
  total: number;
}

/** The aggregate "cpu" line of /proc/stat, in clock ticks; idle and iowait count as not busy. */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 4 || ticks.some((t) => !Number.isFinite(t))) return null;
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/** The machine's CPU times now; null where there is no /proc/stat (not Linux). */
export function machineCpuTimes(): CpuTimes | null {
  try {
    return parseProcStat(fs.readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}

/** The busy share (0–1) between two readings; null when either is missing or no time passed. */
export function busyShare(before: CpuTimes | null, after: CpuTimes | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return (after.busy - before.busy) / (after.total - before.total);
}
