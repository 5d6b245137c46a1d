/**
 * Reading what a DiscoveryRun row stores as JSON. The rows are written only by discovery itself;
 * a row that does not parse (a hand-edited database) reads as empty rather than crashing a page.
 */
import type { DiscoveryChange, DiscoveryNotice } from "./changes";

export interface AppliedRecord {
  at: string;
  by: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function parseRunChanges(json: string): DiscoveryChange[] {
  const value = parseJson(json);
  return Array.isArray(value)
    ? value.filter(
        (c): c is DiscoveryChange =>
          typeof c === "object" && c !== null && typeof (c as { key?: unknown }).key === "string",
      )
    : [];
}

export function parseNotices(json: string): DiscoveryNotice[] {
  const value = parseJson(json);
  return Array.isArray(value) ? (value as DiscoveryNotice[]) : [];
}

export function parseApplied(json: string): Record<string, AppliedRecord> {
  const value = parseJson(json);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, AppliedRecord>)
    : {};
}
