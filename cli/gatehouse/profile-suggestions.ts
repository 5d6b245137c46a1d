import fs from "node:fs";

import { profileNames } from "./aws-config-file";
import type { CliEnv } from "./cli-env";
import { CliError, EXIT } from "./exit-codes";
import { editDistance } from "./role-suggestions";

/**
 * "Did you mean …?" for a profile name the AWS config files do not have. The SDK would only say
 * it found no credentials; the names are the person's own files, so offering them reveals nothing.
 */

const MAX_SUGGESTIONS = 3;

/** The profiles the AWS CLI and SDKs know: the config file's and the credentials file's. */
export function knownProfiles(env: CliEnv): { names: string[]; files: string[] } {
  const credentialsFile = env.awsCredentialsFile;
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  // The credentials file names its sections without the `profile ` prefix.
  const credentialProfiles = [...read(credentialsFile).matchAll(/^\s*\[\s*([^\]]*?)\s*\]/gm)]
    .map((match) => match[1] as string)
    .filter((name) => name !== "");
  const names = [...new Set([...profileNames(read(env.awsConfigFile)), ...credentialProfiles])];
  return { names, files: [env.awsConfigFile, credentialsFile] };
}

/** Names a few edits from `typed` (ignoring case), closest first. */
export function closeProfiles(typed: string, names: readonly string[]): string[] {
  const wanted = typed.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  return names
    .map((name) => ({ name, distance: editDistance(wanted, name.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ name }) => name);
}

/**
 * Refuses a profile no AWS config file has, in one line, with the close names (exit 2: the
 * command line names something that is not there). `from` says where the name came from.
 */
export function requireKnownProfile(env: CliEnv, profile: string, from: string): void {
  const { names, files } = knownProfiles(env);
  if (names.includes(profile)) return;
  const close = closeProfiles(profile, names);
  const hint = close.length > 0 ? `; did you mean ${close.join(", ")}?` : "";
  throw new CliError(
    `no profile ${JSON.stringify(profile)} (${from}) in ${files.join(" or ")}${hint}`,
    EXIT.usage,
  );
}
