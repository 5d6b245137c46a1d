/**
 * Edits ~/.aws/config as text, line by line, so everything gatehouse did not write stays byte for
 * byte as it was: other profiles, comments, blank lines, key order, CRLF line ends (docs/CLI.md
 * "Profiles"). Gatehouse's profiles carry `gatehouse_managed = <portal url>`; only sections with
 * that mark for this portal are ever changed or removed. Pure: text in, text out.
 */

/** The key that marks a profile as written by `gatehouse setup-profiles` for one portal. */
export const MANAGED_KEY = "gatehouse_managed";

/** Keys gatehouse owns inside its profiles; any other key a person adds there is kept. */
const OWNED_KEYS = new Set(["credential_process", "region", MANAGED_KEY]);

export interface DesiredProfile {
  /** The name after `profile ` in the section header. */
  name: string;
  /** Keys and values in the order they are written (without the managed mark). */
  settings: ReadonlyArray<readonly [key: string, value: string]>;
}

export interface ProfileEdit {
  text: string;
  added: string[];
  updated: string[];
  removed: string[];
  /** Wanted, but the name is taken by a profile gatehouse does not manage for this portal. */
  skipped: string[];
  /**
   * Existing profiles whose credential_process now names another account: the same profile name
   * would silently act in a different account, so the caller must say so.
   */
  retargeted: Array<{ name: string; from: string; to: string }>;
}

interface Line {
  text: string;
  eol: string;
}

interface Section {
  /** Index of the `[…]` line. */
  header: number;
  /** One past the last line with a setting (trailing comments and blanks are not part of it). */
  contentEnd: number;
  /** The next header's index, or the number of lines. */
  end: number;
  /** The profile name for `[profile x]` and `[default]`; undefined for other sections. */
  profile: string | undefined;
  /** The value of the managed mark, if the section has one. */
  managedBy: string | undefined;
}

const HEADER = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/;
const SETTING = /^([^\s=#;[][^=]*?)\s*=\s*(.*?)\s*$/;
const IGNORABLE = /^\s*(?:[#;].*)?$/;

/**
 * Makes the profiles gatehouse manages for `portalUrl` exactly `desired`: adds the missing ones at
 * the end, rewrites the owned keys of existing ones in place, removes the ones no longer wanted.
 * With `desired` empty this is `setup-profiles --remove`.
 */
export function applyManagedProfiles(
  original: string,
  portalUrl: string,
  desired: readonly DesiredProfile[],
): ProfileEdit {
  const lines = splitLines(original);
  const sections = findSections(lines);
  const eol = lines.find((line) => line.eol !== "")?.eol ?? "\n";
  const wanted = new Map(desired.map((profile) => [profile.name, profile]));
  const edit: ProfileEdit = {
    text: "",
    added: [],
    updated: [],
    removed: [],
    skipped: [],
    retargeted: [],
  };
  const takenByOthers = new Set(
    sections
      .filter((section) => section.profile !== undefined && section.managedBy !== portalUrl)
      .map((section) => section.profile as string),
  );
  const done = new Set<string>();
  const out: Line[] = lines.slice(0, sections[0]?.header ?? lines.length);

  for (const section of sections) {
    const ours = section.profile !== undefined && section.managedBy === portalUrl;
    const profile = ours ? wanted.get(section.profile as string) : undefined;
    if (!ours) {
      out.push(...lines.slice(section.header, section.end));
    } else if (profile && !done.has(profile.name)) {
      done.add(profile.name);
      const before = lines.slice(section.header, section.contentEnd);
      const after = updateSection(before, profile, portalUrl, eol);
      if (!sameLines(before, after)) edit.updated.push(profile.name);
      const from = accountOf(before);
      const to = accountOf(after);
      if (from !== undefined && to !== undefined && from !== to) {
        edit.retargeted.push({ name: profile.name, from, to });
      }
      out.push(...after, ...lines.slice(section.contentEnd, section.end));
    } else {
      edit.removed.push(section.profile as string);
      let rest = section.contentEnd;
      // Take one separating blank line with it, the one added with it (see below).
      if (out.length > 0 && out[out.length - 1]?.text.trim() === "") out.pop();
      else if (rest < section.end && lines[rest]?.text.trim() === "") rest += 1;
      out.push(...lines.slice(rest, section.end));
    }
  }

  for (const profile of desired) {
    if (done.has(profile.name)) continue;
    if (takenByOthers.has(profile.name)) {
      edit.skipped.push(profile.name);
      continue;
    }
    done.add(profile.name);
    edit.added.push(profile.name);
    const last = out[out.length - 1];
    if (last) {
      if (last.eol === "") out[out.length - 1] = { text: last.text, eol };
      out.push({ text: "", eol });
    }
    out.push(
      { text: `[profile ${profile.name}]`, eol },
      ...settingLines(profile, portalUrl).map((text) => ({ text, eol })),
    );
  }
  edit.text = out.map((line) => line.text + line.eol).join("");
  return edit;
}

/** The profiles in `text` managed for `portalUrl` (what `--remove` would take out). */
export function managedProfileNames(text: string, portalUrl: string): string[] {
  return findSections(splitLines(text))
    .filter((section) => section.profile !== undefined && section.managedBy === portalUrl)
    .map((section) => section.profile as string);
}

/** Every profile `text` (an AWS config file) names: `[default]` and `[profile x]` sections. */
export function profileNames(text: string): string[] {
  return findSections(splitLines(text)).flatMap((section) =>
    section.profile === undefined ? [] : [section.profile],
  );
}

/**
 * The first line that is neither a section header, a setting (`key = value`, or `key: value` as
 * Python's configparser reads it), an indented continuation, a comment nor blank: the AWS CLI
 * refuses the whole file for it, and this editor would take it for part of the section above
 * (a header missing its `]` hides the profile below it), which removing that section would delete.
 */
export function unreadableLine(text: string): { number: number; text: string } | undefined {
  const lines = splitLines(text);
  for (const [index, { text: line }] of lines.entries()) {
    if (IGNORABLE.test(line) || HEADER.test(line) || /^\s/.test(line)) continue;
    if (/^[^[][^=:]*[=:]/.test(line)) continue;
    return { number: index + 1, text: line };
  }
  return undefined;
}

/** The account id in a section's `credential_process = … creds <account id>/<role> …`. */
function accountOf(section: Line[]): string | undefined {
  for (const line of section) {
    const setting = SETTING.exec(line.text);
    if (setting?.[1] === "credential_process") {
      return /\screds\s+'?(\d{12})\//.exec(setting[2] ?? "")?.[1];
    }
  }
  return undefined;
}

function settingLines(profile: DesiredProfile, portalUrl: string): string[] {
  return [...profile.settings, [MANAGED_KEY, portalUrl] as const].map(
    ([key, value]) => `${key} = ${value}`,
  );
}

/** Rewrites the owned keys of one section; the header and every other line stay as they are. */
function updateSection(
  section: Line[],
  profile: DesiredProfile,
  portalUrl: string,
  eol: string,
): Line[] {
  const values = new Map<string, string>([...profile.settings, [MANAGED_KEY, portalUrl]]);
  const written = new Set<string>();
  const result: Line[] = [];
  for (const [index, line] of section.entries()) {
    const setting = index === 0 ? null : SETTING.exec(line.text);
    const key = setting?.[1];
    if (key === undefined || !OWNED_KEYS.has(key)) {
      result.push(line);
      continue;
    }
    const value = values.get(key);
    if (value === undefined || written.has(key)) continue; // no longer wanted, or a duplicate
    written.add(key);
    result.push(
      setting?.[2] === value ? line : { text: `${key} = ${value}`, eol: line.eol || eol },
    );
  }
  for (const text of settingLines(profile, portalUrl)) {
    const key = text.slice(0, text.indexOf(" = "));
    if (written.has(key)) continue;
    const last = result[result.length - 1];
    if (last && last.eol === "") result[result.length - 1] = { text: last.text, eol };
    result.push({ text, eol });
  }
  return result;
}

function findSections(lines: Line[]): Section[] {
  const sections: Section[] = [];
  lines.forEach((line, index) => {
    const header = HEADER.exec(line.text);
    if (!header) return;
    const previous = sections[sections.length - 1];
    if (previous) previous.end = index;
    const inner = (header[1] as string).trim();
    const profile =
      inner === "default"
        ? "default"
        : (/^profile\s+(\S.*)$/.exec(inner)?.[1]?.trim() ?? undefined);
    sections.push({
      header: index,
      contentEnd: index + 1,
      end: lines.length,
      profile,
      managedBy: undefined,
    });
  });
  for (const section of sections) {
    for (let index = section.header + 1; index < section.end; index += 1) {
      const text = (lines[index] as Line).text;
      if (IGNORABLE.test(text)) continue;
      section.contentEnd = index + 1;
      const setting = SETTING.exec(text);
      if (setting?.[1] === MANAGED_KEY) section.managedBy = setting[2];
    }
  }
  return sections;
}

/** Lines with their own line ends; the last one has `eol: ""` when the text does not end with one. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    if (newline === -1) {
      lines.push({ text: text.slice(start), eol: "" });
      break;
    }
    const crlf = newline > start && text[newline - 1] === "\r";
    lines.push({
      text: text.slice(start, crlf ? newline - 1 : newline),
      eol: crlf ? "\r\n" : "\n",
    });
    start = newline + 1;
  }
  return lines;
}

function sameLines(a: Line[], b: Line[]): boolean {
  return (
    a.length === b.length &&
    a.every((line, i) => line.text === b[i]?.text && line.eol === b[i]?.eol)
  );
}
