/**
 * An account's environment label and name as discovery proposes them: the configured tag wins,
 * then the nearest OU in its path with a configured label, then "unassigned" (docs/DISCOVERY.md).
 */
import type { DiscoveryConfig } from "@/lib/config";

export const UNASSIGNED_ENVIRONMENT = "unassigned";

type Mapping = Pick<DiscoveryConfig, "environmentTag" | "nameTag" | "ouEnvironments">;

/** Labels are short lowercase words; a tag's value is folded into one or ignored. */
function asLabel(value: string): string | null {
  const label = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
  return label === "" ? null : label;
}

export function environmentOf(
  account: { tags: Record<string, string>; path: readonly string[] },
  mapping: Mapping,
): string {
  const tagged = mapping.environmentTag ? account.tags[mapping.environmentTag] : undefined;
  const fromTag = tagged === undefined ? null : asLabel(tagged);
  if (fromTag) return fromTag;
  for (let i = account.path.length - 1; i >= 0; i--) {
    const label = mapping.ouEnvironments.get((account.path[i] ?? "").toLowerCase());
    if (label) return label;
  }
  return UNASSIGNED_ENVIRONMENT;
}

export function nameOf(
  account: { name: string; tags: Record<string, string> },
  mapping: Mapping,
): string {
  const tagged = mapping.nameTag ? account.tags[mapping.nameTag]?.trim() : undefined;
  return (tagged || account.name).slice(0, 100);
}
