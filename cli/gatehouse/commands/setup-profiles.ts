import fs from "node:fs";
import path from "node:path";

import { AWS_REGION_PATTERN } from "../../../lib/aws/partitions";
import { type RolesAnswer, isCliUsable, parseRolesAnswer } from "../api-types";
import { type CommandSpec, type ParsedCommand, regionOption, stringOption } from "../args";
import { type DesiredProfile, applyManagedProfiles, unreadableLine } from "../aws-config-file";
import { type CliContext, requireSignIn, resolvePortalUrl } from "../context";
import { CliError, EXIT, UsageError } from "../exit-codes";
import { callPortal, printable } from "../portal-client";
import { checkPrefix, credentialProcessCommand, profileNameFor } from "../profile-names";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, fileProblem, writeFileAtomic } from "../secure-files";
import { unifiedDiff } from "../text-diff";

export const spec: CommandSpec = {
  name: "setup-profiles",
  usage: `Usage: gatehouse setup-profiles [--dry-run] [--prefix <prefix>] [--region <region>] [--remove]

Writes one profile per role you may use from the CLI into ~/.aws/config (or $AWS_CONFIG_FILE):
  [profile <prefix><account name>.<role name>]
  credential_process = <node> <gatehouse.mjs> creds <account id>/<role> --portal <url>
  region = <region>
  gatehouse_managed = <portal url>
then use them with  aws --profile <name> …  or  AWS_PROFILE=<name>.
Shows the change as a diff first. Only profiles marked gatehouse_managed for this portal are ever
changed or removed (also those for roles you no longer have); everything else in the file is left
exactly as it is.

  --dry-run          only show the diff
  --prefix <prefix>  put this in front of every profile name (e.g. gh-)
  --region <region>  the profiles' region; default: the portal's default region
  --remove           remove the profiles gatehouse wrote for this portal`,
  options: {
    "dry-run": { type: "boolean" },
    prefix: { type: "string" },
    region: { type: "string" },
    remove: { type: "boolean" },
  },
  positionals: { min: 0, max: 0 },
};

export interface ProfilePlan {
  profiles: DesiredProfile[];
  /** Roles left out, with the reason. */
  notes: string[];
}

/**
 * One profile per role with CLI access. A name is a function of the account alone, never of the
 * order the portal lists accounts in: when the names of two accounts reduce to the same profile
 * name, both use their account id (docs/CLI.md "Profiles"), so a rename cannot move an existing
 * name to another account. A name that still names two roles is left out for all of them.
 */
export function planProfiles(
  answer: RolesAnswer,
  options: {
    prefix: string;
    region: string | undefined;
    portalUrl: string;
    program: readonly string[];
  },
  platform: NodeJS.Platform = process.platform,
): ProfilePlan {
  const region = options.region ?? answer.defaultRegion;
  if (!AWS_REGION_PATTERN.test(region)) {
    throw new CliError(
      "the portal's default region is not an AWS region code; pass --region",
      EXIT.unexpected,
    );
  }
  const notes: string[] = [];
  const usable: Array<{ accountId: string; accountName: string; roleName: string }> = [];
  for (const account of answer.accounts) {
    for (const role of account.roles) {
      if (isCliUsable(role)) {
        usable.push({
          accountId: account.accountId,
          accountName: account.name,
          roleName: role.roleName,
        });
      } else if (role.allowCli) {
        notes.push(
          `${account.accountId}/${role.roleName}: reached through your IdP's AWS app, which only the web page can use; no profile`,
        );
      }
    }
  }
  // Which accounts each name-based profile name would stand for.
  const accountsByName = new Map<string, Set<string>>();
  for (const role of usable) {
    const name = profileNameFor(options.prefix, role.accountName, role.roleName);
    if (name === undefined) continue;
    const accounts = accountsByName.get(name) ?? new Set<string>();
    accounts.add(role.accountId);
    accountsByName.set(name, accounts);
  }
  const named = usable.map((role) => {
    const byName = profileNameFor(options.prefix, role.accountName, role.roleName);
    const name =
      byName !== undefined && accountsByName.get(byName)?.size === 1
        ? byName
        : profileNameFor(options.prefix, role.accountId, role.roleName);
    return { ...role, name };
  });
  const uses = new Map<string, number>();
  for (const { name } of named) {
    if (name !== undefined) uses.set(name, (uses.get(name) ?? 0) + 1);
  }
  const profiles: DesiredProfile[] = [];
  for (const role of named) {
    if (role.name === undefined || (uses.get(role.name) ?? 0) > 1) {
      notes.push(`${role.accountId}/${role.roleName}: no usable profile name; skipped`);
      continue;
    }
    const command = credentialProcessCommand(
      options.program,
      `${role.accountId}/${role.roleName}`,
      options.portalUrl,
      options.region,
      platform,
    );
    profiles.push({
      name: role.name,
      settings: [
        ["credential_process", command],
        ["region", region],
      ],
    });
  }
  return { profiles, notes };
}

export async function run(parsed: ParsedCommand, ctx: CliContext): Promise<number> {
  const prefix = stringOption(parsed, "prefix") ?? "";
  if (!checkPrefix(prefix)) {
    throw new UsageError(
      "--prefix may contain only letters, digits, '.', '_' and '-' (at most 32, not starting with '-')",
      spec.usage,
    );
  }
  const region = regionOption(parsed, spec.usage);
  const remove = parsed.values.remove === true;
  const dryRun = parsed.values["dry-run"] === true;
  const portalUrl = resolvePortalUrl(ctx, stringOption(parsed, "portal"));

  let desired: DesiredProfile[] = [];
  if (!remove) {
    const signIn = requireSignIn(ctx, portalUrl);
    const answer = parseRolesAnswer(
      await callPortal(ctx.fetch, portalUrl, {
        method: "GET",
        path: "/api/v1/roles",
        token: signIn.token,
      }),
    );
    if (!answer)
      throw new CliError("the portal's roles answer is not in the expected shape", EXIT.unexpected);
    const plan = planProfiles(
      answer,
      { prefix, region, portalUrl, program: ctx.program },
      ctx.env.platform,
    );
    for (const note of plan.notes) ctx.err(`gatehouse: ${note}\n`);
    desired = plan.profiles;
  }

  const file = ctx.env.awsConfigFile;
  const target = realTarget(file);
  const before = readIfExists(target);
  if (before?.includes("\u0000")) {
    // UTF-16, as Windows PowerShell 5's `>` writes: appending UTF-8 to it would ruin it.
    throw new CliError(
      `${file} is not UTF-8 text (it has NUL bytes: UTF-16?); save it as UTF-8 and run setup-profiles again; nothing was changed`,
      EXIT.unexpected,
    );
  }
  const unreadable = unreadableLine(before ?? "");
  if (unreadable) {
    throw new CliError(
      `${file} line ${unreadable.number} is not a section, a setting or a comment (${JSON.stringify(printable(unreadable.text).slice(0, 60))}); the AWS CLI cannot read the file either. Fix that line and run setup-profiles again; nothing was changed`,
      EXIT.unexpected,
    );
  }
  const edit = applyManagedProfiles(before ?? "", portalUrl, desired);
  for (const name of edit.skipped) {
    ctx.err(
      `gatehouse: profile ${name} already exists and was not written by gatehouse for this portal; left alone\n`,
    );
  }
  for (const { name, from, to } of edit.retargeted) {
    ctx.err(
      `gatehouse: warning: profile ${name} ${dryRun ? "would now use" : "now uses"} account ${to}, not ${from} (an account was renamed or a name is now shared)\n`,
    );
  }
  if (edit.text === (before ?? "")) {
    ctx.err(`${file} is up to date (${desired.length} gatehouse profiles).\n`);
    return EXIT.ok;
  }
  if (!dryRun && before !== undefined) refuseReadOnly(file, target);
  ctx.out(unifiedDiff(before ?? "", edit.text, before === undefined ? "/dev/null" : file, file));
  const summary = `added ${edit.added.length}, updated ${edit.updated.length}, removed ${edit.removed.length}`;
  if (dryRun) {
    ctx.err(`Dry run: ${file} not changed (would have: ${summary}).\n`);
    return EXIT.ok;
  }
  writeConfig(target, edit.text, before !== undefined);
  ctx.err(`Wrote ${file}: ${summary}.\n`);
  if (edit.added.length > 0) {
    ctx.err(`Try:  aws sts get-caller-identity --profile ${edit.added[0]}\n`);
  }
  return EXIT.ok;
}

/**
 * The file a symlinked config points at: replacing the link itself would break the person's setup
 * (dotfiles kept elsewhere). Followed by hand, because a link to a file not yet created has no
 * real path, and that file is the one to create.
 */
function realTarget(file: string): string {
  let target = file;
  for (let hops = 0; hops < 40; hops += 1) {
    let link: string;
    try {
      link = fs.readlinkSync(target);
    } catch {
      return target; // not a link (or not there): this is the file
    }
    target = path.resolve(path.dirname(target), link);
  }
  return target;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${file}: ${fileProblem(err)}`, EXIT.unexpected);
  }
}

/**
 * A config without any write permission was made read-only on purpose (by its owner or a
 * configuration manager): replacing it through a rename would pass over that, so it is refused.
 */
function refuseReadOnly(file: string, target: string): void {
  let mode;
  try {
    mode = fs.statSync(target).mode & 0o777;
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${fileProblem(err)}`, EXIT.unexpected);
  }
  if ((mode & 0o222) === 0) {
    throw new CliError(
      `${file} is read-only (mode ${mode.toString(8).padStart(4, "0")}); nothing was changed. Make it writable (chmod u+w) to let setup-profiles edit it, or see the change with --dry-run`,
      EXIT.unexpected,
    );
  }
}

/** Keeps an existing file's mode; a new file is 0600 in a directory created 0700. */
function writeConfig(file: string, text: string, exists: boolean): void {
  try {
    let mode = PRIVATE_FILE_MODE;
    if (exists) {
      mode = fs.statSync(file).mode & 0o777;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    }
    writeFileAtomic(file, text, mode);
  } catch (err) {
    throw new CliError(
      `cannot write ${file}: ${fileProblem(err)}; it is unchanged`,
      EXIT.unexpected,
    );
  }
}
