import { AWS_REGION_PATTERN } from "../../../lib/aws/partitions";
import { type RolesAnswer, isCliUsable, parseRolesAnswer } from "../api-types";
import { type CommandSpec, type ParsedCommand, regionOption, stringOption } from "../args";
import {
  type DesiredProfile,
  type ProfileEdit,
  applyManagedProfiles,
  managedProfileNames,
  unreadableLine,
} from "../aws-config-file";
import {
  makeConfigDir,
  readIfExists,
  realTarget,
  refuseReadOnly,
  writeConfig,
} from "../aws-config-io";
import { lockConfigFile } from "../config-file-lock";
import { type CliContext, requireSignIn, resolvePortalUrl } from "../context";
import { CliError, EXIT, UsageError } from "../exit-codes";
import { callPortal, printable } from "../portal-client";
import { checkPrefix, credentialProcessCommand, profileNameFor } from "../profile-names";
import { readCredentialsFile, shadowedProfiles } from "../shadowing-credentials";
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
  let { before, edit } = planEdit(file, target, portalUrl, desired);
  if (edit.text !== (before ?? "") && !dryRun) {
    if (before !== undefined) refuseReadOnly(file, target);
    else makeConfigDir(file, target);
    // Read again under the lock: another run may have written the file since (its profiles stay).
    const lock = await lockConfigFile(file, target, (lockFile) =>
      ctx.err(
        `gatehouse: waiting for another setup-profiles to finish with ${file} (${lockFile})\n`,
      ),
    );
    try {
      ({ before, edit } = planEdit(file, target, portalUrl, desired));
      return finish(ctx, { file, target, portalUrl, desired, dryRun, before, edit });
    } finally {
      lock.release();
    }
  }
  return finish(ctx, { file, target, portalUrl, desired, dryRun, before, edit });
}

/** The file as it is and gatehouse's edit of it; refuses a file it must not edit. */
function planEdit(
  file: string,
  target: string,
  portalUrl: string,
  desired: readonly DesiredProfile[],
): { before: string | undefined; edit: ProfileEdit } {
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
  return { before, edit: applyManagedProfiles(before ?? "", portalUrl, desired) };
}

/** Reports the edit (warnings, the diff) and, unless a dry run, writes it. */
function finish(
  ctx: CliContext,
  o: {
    file: string;
    target: string;
    portalUrl: string;
    desired: readonly DesiredProfile[];
    dryRun: boolean;
    before: string | undefined;
    edit: ProfileEdit;
  },
): number {
  const { file, dryRun, before, edit } = o;
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
  warnShadowed(ctx, managedProfileNames(edit.text, o.portalUrl));
  if (edit.text === (before ?? "")) {
    ctx.err(`${file} is up to date (${o.desired.length} gatehouse profiles).\n`);
    return EXIT.ok;
  }
  ctx.out(unifiedDiff(before ?? "", edit.text, before === undefined ? "/dev/null" : file, file));
  const summary = `added ${edit.added.length}, updated ${edit.updated.length}, removed ${edit.removed.length}`;
  if (dryRun) {
    ctx.err(`Dry run: ${file} not changed (would have: ${summary}).\n`);
    return EXIT.ok;
  }
  writeConfig(o.target, edit.text, before !== undefined);
  ctx.err(`Wrote ${file}: ${summary}.\n`);
  if (edit.added.length > 0) {
    ctx.err(`Try:  aws sts get-caller-identity --profile ${edit.added[0]}\n`);
  }
  return EXIT.ok;
}

/**
 * A same-named profile in the shared credentials file with credentials of its own wins over
 * gatehouse's in the AWS CLI and the SDKs (shadowing-credentials.ts): said, never edited away.
 */
function warnShadowed(ctx: CliContext, names: readonly string[]): void {
  const credentialsFile = ctx.env.awsCredentialsFile;
  for (const { name, keys } of shadowedProfiles(readCredentialsFile(credentialsFile), names)) {
    ctx.err(
      `gatehouse: warning: profile ${name} is also in ${credentialsFile}, with ${keys.join(", ")}; the AWS CLI and SDKs use that instead of gatehouse's credential_process. Remove or rename [${name}] in ${credentialsFile} to use gatehouse's (setup-profiles leaves that file alone)\n`,
    );
  }
}
