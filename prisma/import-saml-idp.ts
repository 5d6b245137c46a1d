// `npm run saml:import -- --slug okta --name "Okta" --metadata <file or https URL> [--groups-attribute groups]
//   [--user-key-attribute uid] [--email-attribute mail] [--display-name-attribute displayName]
//   [--allow-idp-initiated] [--require-signed-response] [--aws-app-url <url>] [--trust-privileged-groups]`
// --trust-privileged-groups lets this IdP's groups make administrators and auditors (docs/SECURITY.md
// "Trust per IdP"); a SAML-only portal needs it on the IdP its administrators sign in with.
// Adds a SAML IdP from the command line — the bootstrap path for a portal that signs in only with
// SAML (the admin UI needs an admin to be signed in first). Audited like the admin UI's import.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { createSamlIdp } from "../lib/admin/saml-idp-create";
import { createDb } from "../lib/db/client";
import { DEFAULT_DATABASE_URL } from "./database-url";

/** Fields whose option is not their name in kebab case: --metadata gives a file or a URL. */
const OPTION_OF_FIELD: Record<string, string> = {
  displayName: "--name",
  metadata: "--metadata",
  metadataUrl: "--metadata",
  metadataXml: "--metadata",
  trustedForPrivileges: "--trust-privileged-groups",
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      slug: { type: "string" },
      name: { type: "string" },
      metadata: { type: "string" },
      "groups-attribute": { type: "string", default: "groups" },
      "user-key-attribute": { type: "string" },
      "email-attribute": { type: "string" },
      "display-name-attribute": { type: "string" },
      "trust-privileged-groups": { type: "boolean", default: false },
      "allow-idp-initiated": { type: "boolean", default: false },
      "require-signed-response": { type: "boolean", default: false },
      "aws-app-url": { type: "string" },
    },
  });
  if (!values.slug || !values.name || !values.metadata) {
    console.error(
      'usage: npm run saml:import -- --slug <short-name> --name "<display name>" --metadata <file|https URL> [options]',
    );
    return 2;
  }
  const isUrl = /^https?:\/\//.test(values.metadata);
  const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  try {
    const result = await createSamlIdp(
      db,
      {
        slug: values.slug,
        displayName: values.name,
        ...(isUrl
          ? { metadataUrl: values.metadata }
          : { metadataXml: fs.readFileSync(values.metadata, "utf8") }),
        groupsAttribute: values["groups-attribute"],
        userKeyAttribute: values["user-key-attribute"],
        emailAttribute: values["email-attribute"],
        displayNameAttribute: values["display-name-attribute"],
        trustedForPrivileges: values["trust-privileged-groups"],
        allowIdpInitiated: values["allow-idp-initiated"],
        requireSignedResponse: values["require-signed-response"],
        awsAppUrl: values["aws-app-url"],
      },
      {
        userId: null,
        issuer: "cli",
        subject: process.env.USER ?? "cli",
        email: null,
        groups: null,
      },
      { requestId: randomUUID(), ip: null, userAgent: "gatehouse saml:import" },
    );
    if (!result.ok) {
      // Named as the option that sets it, e.g. a transient-only IdP: --user-key-attribute.
      const optionOf = (field: string) =>
        OPTION_OF_FIELD[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      for (const [field, message] of Object.entries(result.errors))
        console.error(`${optionOf(field)}: ${message}`);
      return 1;
    }
    for (const warning of result.warnings) console.error(`warning: ${warning}`);
    console.log(`added SAML IdP ${values.slug} (${result.entityId})`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`saml:import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
