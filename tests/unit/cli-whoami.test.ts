import { describe, expect, it } from "vitest";

import { isAwsProfileName, profileFailure, stsError } from "@/cli/gatehouse/commands/whoami";
import { EXIT } from "@/cli/gatehouse/exit-codes";

describe("whoami --profile accepts the names the AWS CLI accepts", () => {
  it.each([
    ["a name setup-profiles writes", "acme-staging.Developer", true],
    ["an @ in the name", "dev@corp", true],
    ["a space in the name", "my dev", true],
    ["a slash and a plus", "team/a+b", true],
    ["empty", "", false],
    ["only spaces", "   ", false],
    ["a newline", "dev\nx", false],
    ["a ] that would end the section header", "dev]x", false],
  ])("%s: %j → %s", (_name, name, ok) => {
    expect(isAwsProfileName(name)).toBe(ok);
  });
});

describe("whoami shows why the profile failed, not only the SDK's 'any providers'", () => {
  const generic = Object.assign(new Error("Could not load credentials from any providers"), {
    name: "CredentialsProviderError",
  });
  it.each([
    [
      "a credential_process that exits non-zero",
      [
        "@aws-sdk/credential-provider-node - defaultProvider::fromIni",
        "@aws-sdk/credential-provider-ini - fromIni",
        "@smithy/property-provider -> Command failed: gatehouse creds a/b\ngatehouse: not signed in to https://p.example. Run gatehouse login\n",
        "@aws-sdk/credential-provider-node - defaultProvider::fromProcess",
        "@smithy/property-provider -> Profile bad could not be found in shared credentials file.",
      ],
      /\(the profile: Command failed: gatehouse creds a\/b gatehouse: not signed in to https:\/\/p\.example\. Run gatehouse login\)$/,
    ],
    [
      "a profile that does not exist",
      [
        "@aws-sdk/credential-provider-node - defaultProvider::fromIni",
        "@smithy/property-provider -> Could not resolve credentials using profile: [nosuch] in configuration/credentials file(s).",
      ],
      /\(the profile: Could not resolve credentials using profile: \[nosuch\]/,
    ],
    [
      "a log that does not say (the message stays as it was)",
      ["@aws-sdk/credential-provider-node - defaultProvider::fromIni"],
      /any providers$/,
    ],
  ])("%s", (_name, lines, message) => {
    const failure = stsError(generic, profileFailure(lines));
    expect(failure.exitCode).toBe(EXIT.notSignedIn);
    expect(failure.message).toMatch(message);
    expect(failure.message).not.toMatch(/\n/);
  });
});
