import fs from "node:fs";

/**
 * Profiles of the shared credentials file (`~/.aws/credentials`) that would hide gatehouse's
 * profile of the same name in `~/.aws/config` (docs/CLI.md "Profiles"). Botocore (the AWS CLI,
 * boto3) and the JavaScript SDK both merge a profile from the two files, the credentials file's
 * keys winning, and both try static keys, `role_arn` and web identity before `credential_process`:
 * a same-named section there with any of those, or with its own `credential_process`, is used
 * instead of gatehouse's, silently. Only read: the file is the person's, holding their secrets.
 */

/** Keys that make the AWS CLI and the JavaScript SDK take a profile's credentials from elsewhere. */
const OVERRIDING_KEYS = [
  "aws_access_key_id",
  "role_arn",
  "web_identity_token_file",
  "credential_process",
] as const;

const HEADER = /^\s*\[\s*([^\]]*?)\s*\]/;
const SETTING = /^([^\s=:#;[][^=:]*?)\s*[=:]\s*(.*?)\s*$/;

/** Each section name (literal: the credentials file has no `profile ` prefix) → its keys with a value. */
function sectionsWithKeys(text: string): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header) {
      const name = header[1] as string;
      current = sections.get(name) ?? new Set<string>();
      sections.set(name, current);
      continue;
    }
    const setting = SETTING.exec(line);
    if (current && setting && setting[2] !== "") {
      current.add((setting[1] as string).toLowerCase());
    }
  }
  return sections;
}

export interface ShadowedProfile {
  name: string;
  /** The overriding keys the credentials file's section has. */
  keys: string[];
}

/** Which of `names` the credentials file text overrides, with the keys that do it. */
export function shadowedProfiles(
  credentialsText: string,
  names: readonly string[],
): ShadowedProfile[] {
  const sections = sectionsWithKeys(credentialsText);
  const shadowed: ShadowedProfile[] = [];
  for (const name of names) {
    const keys = sections.get(name);
    const overriding = OVERRIDING_KEYS.filter((key) => keys?.has(key));
    if (overriding.length > 0) shadowed.push({ name, keys: overriding });
  }
  return shadowed;
}

/** The credentials file's text; none when it does not exist or cannot be read. */
export function readCredentialsFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
