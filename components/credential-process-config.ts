/**
 * The `~/.aws/config` profile the CLI credentials dialog suggests for its credential_process
 * download, kept apart from the dialog so the exact text can be run by real AWS clients in tests.
 *
 * botocore (the AWS CLI, boto3) splits `credential_process` into words and runs it without a shell,
 * so a `~` in it reaches `cat` literally and the file is "not found"; the JavaScript and Go SDKs run it
 * through a shell. `sh -c '…"$HOME"…'` finds the file under both. Profile names (and so file names)
 * are letters, digits, `_`, `.` and `-` only (lib/aws/profile-name.ts), so they need no quoting.
 */
export function credentialProcessConfig(opts: {
  profile: string;
  fileName: string;
  region: string;
  isWindows: boolean;
}): string {
  const command = opts.isWindows
    ? `cmd /c type %USERPROFILE%\\.aws\\${opts.fileName}`
    : `sh -c 'cat "$HOME/.aws/${opts.fileName}"'`;
  return `[profile ${opts.profile}]\ncredential_process = ${command}\nregion = ${opts.region}`;
}
