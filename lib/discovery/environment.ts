/**
 * An account's environment label and name as discovery proposes them: the configured tag wins,
 * then the nearest OU in its path with a configured label, then "unassigned" (docs/DISCOVERY.md).
 */
import type { DiscoveryConfig } from "@/lib/config";

export const UNASSIGNED_ENVIRONMENT = "unassigned";

type Mapping = Pick<DiscoveryConfig, "environmentTag" | "nameTag" | "ouEnvironments">;

/** The longest environment label the admin forms accept (lib/admin/account-input.ts). */
const MAX_LABEL = 24;
/** The longest account name the admin forms accept. */
const MAX_NAME = 64;

/** Labels are short lowercase words; a tag's value is folded into one or ignored. */
function asLabel(value: string): string | null {
  const label = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, MAX_LABEL)
    .replace(/-+$/, "");
  return label === "" ? null : label;
}

/** One line of plain text, at most `max` characters: what the admin forms accept. */
export function plainText(value: string, max: number): string {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, max)
    .trim();
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
  const tagged = mapping.nameTag ? plainText(account.tags[mapping.nameTag] ?? "", MAX_NAME) : "";
  return tagged || plainText(account.name, MAX_NAME) || "unnamed";
}
