// Adding an IdP (docs/SAML-IDENTITY.md "Adding an IdP"), through the real admin actions over HTTP.
// One IdP, one entry: an entity ID that another IdP already has — exactly, or but for letter case
// or a trailing slash, which is nearly always the same IdP added twice and would split its users in
// two — is refused at add and at edit, naming the IdP that has it. Metadata is pasted or uploaded
// XML, or a URL, never both. Metadata whose certificates aren't valid today is added with a
// warning saying so, and the IdP's page flags those certificates in the same words. Adding,
// editing and refreshing apply one set of field rules, to typed values and metadata's alike.
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type PortalSession } from "../support/portal-client";
import { postAction } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";
import { ROOT } from "@/dev/local-stack";
import { formatUtc } from "@/lib/format-utc";
import { operatorCommand } from "@/tests/support/operator-command";

let stack: TestStack;
let alice: PortalSession;

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  alice = await signIn(stack, "alice");
});

afterAll(async () => {
  await stack?.stop();
});

interface FormState {
  ok: boolean;
  message?: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
}
const isFormState = (v: Record<string, unknown>) =>
  typeof v.ok === "boolean" && typeof v.errors === "object" && typeof v.values === "object";

function demo() {
  if (!stack.samlIdp) throw new Error("the stack has no demo SAML IdP");
  return stack.samlIdp;
}

/** The demo IdP's own metadata, claiming `entityId` instead. */
function metadataFor(entityId: string): string {
  const xml = demo().metadataXml;
  expect(xml).toContain(`entityID="${demo().entityId}"`);
  return xml.replace(`entityID="${demo().entityId}"`, `entityID="${entityId}"`);
}

function addIdp(slug: string, metadataXml: string, extra: Record<string, string> = {}) {
  return postAction<FormState>(
    alice,
    "/admin/identity-providers",
    { file: "app/admin/identity-providers/actions.ts", name: "addIdentityProvider" },
    { ok: false, message: null, errors: {}, values: {} },
    { displayName: `IdP ${slug}`, slug, metadataXml, groupsAttribute: "groups", ...extra },
    isFormState,
  );
}

const row = (slug: string) => stack.db.samlIdentityProvider.findUniqueOrThrow({ where: { slug } });

const variants = (): Array<[string, string]> => [
  ["the same entity ID", demo().entityId],
  ["with a trailing slash", `${demo().entityId}/`],
  ["in other letter case", demo().entityId.toUpperCase()],
];

describe("an entity ID another IdP already has is refused, naming that IdP", () => {
  it("at add: exactly, with a trailing slash, or in other letter case — nothing added or audited", async () => {
    for (const [what, entityId] of variants()) {
      const slug = `dup-${variants().findIndex(([w]) => w === what)}`;
      const reply = await addIdp(slug, metadataFor(entityId));
      expect(reply.state?.ok, what).toBe(false);
      expect(reply.state?.errors.metadata, what).toMatch(/\(corp-saml\) already has the entity ID/);
      expect(reply.state?.errors.slug, what).toBeUndefined();
      expect(await stack.db.samlIdentityProvider.count({ where: { slug } }), what).toBe(0);
      const audits = await stack.db.auditEvent.count({
        where: { requestId: reply.requestId ?? "", action: "admin.saml-idp.created" },
      });
      expect(audits, what).toBe(0);
    }
  });

  it("the audit of an added IdP names the certificates it trusts by fingerprint, as an edit's does", async () => {
    const added = await addIdp("fingerprinted", metadataFor("https://fingerprinted.example/idp"));
    expect(added.state?.ok).toBe(true);
    const event = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: added.requestId ?? "", action: "admin.saml-idp.created" },
    });
    const details = JSON.parse(event.detailsJson) as { after: Record<string, unknown> };
    const fingerprint = new X509Certificate(demo().signingCertificatePem).fingerprint256;
    expect(details.after.certificates).toEqual([fingerprint]);
    expect(event.detailsJson).not.toContain("BEGIN CERTIFICATE");
  });

  it("at add: a new entity ID is accepted; a short name already taken is refused as such", async () => {
    const added = await addIdp("partner", metadataFor("https://partner.example/idp"));
    expect(added.state?.ok).toBe(true);
    const taken = await addIdp("partner", metadataFor("https://another.example/idp"));
    expect(taken.state?.errors).toEqual({
      slug: "Another identity provider already has this short name.",
    });
  });

  it("at edit: changing an IdP's entity ID to one another IdP has (or nearly) changes nothing", async () => {
    const before = await row("partner");
    for (const [what, entityId] of variants()) {
      const reply = await postAction<FormState>(
        alice,
        `/admin/identity-providers/${before.id}`,
        { file: "app/admin/identity-providers/edit-actions.ts", name: "updateIdentityProvider" },
        { ok: false, message: null, warnings: [], errors: {}, values: {} },
        {
          id: before.id,
          version: String(before.updatedAt.getTime()),
          displayName: before.displayName,
          entityId,
          ssoUrl: before.ssoUrl,
          sloUrl: before.sloUrl ?? "",
          metadataUrl: "",
          groupsAttribute: before.groupsAttribute,
          userKeyAttribute: "",
          emailAttribute: "",
          displayNameAttribute: "",
          awsAppUrl: "",
        },
        isFormState,
      );
      expect(reply.state?.errors.entityId, what).toMatch(/\(corp-saml\) already has the entity ID/);
      expect(reply.state?.values.entityId, what).toBe(entityId);
      expect(await row("partner"), what).toEqual(before);
    }
  });
});

describe("metadata is the XML or its URL, never both", () => {
  it("both given: refused naming both fields, nothing added or audited; the XML alone keeps no URL", async () => {
    const xml = metadataFor("https://both.example/idp");
    const both = await addIdp("both", xml, { metadataUrl: "https://both.example/metadata" });
    expect(both.state?.ok).toBe(false);
    expect(both.state?.errors.metadata).toBe(
      "Give the metadata XML (pasted or uploaded) or its URL, not both: clear the metadata URL, or the XML.",
    );
    expect(both.state?.values).toMatchObject({ metadataUrl: "https://both.example/metadata" });
    expect(await stack.db.samlIdentityProvider.count({ where: { slug: "both" } })).toBe(0);
    const audits = await stack.db.auditEvent.count({
      where: { requestId: both.requestId ?? "", action: "admin.saml-idp.created" },
    });
    expect(audits).toBe(0);
    const xmlOnly = await addIdp("both", xml, { metadataUrl: "  " });
    expect(xmlOnly.state?.ok).toBe(true);
    expect((await row("both")).metadataUrl).toBeNull();
  });
});

describe("saml:import names its own option for what it refuses", () => {
  it("an oversized metadata file: --metadata (the option), not --metadata-xml", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-import-"));
    const file = path.join(dir, "federation.xml");
    fs.writeFileSync(
      file,
      `${metadataFor("https://big.example/idp")}<!--${"a".repeat(600 * 1024)}-->`,
    );
    try {
      const importer = operatorCommand("saml:import", [
        ...["--slug", "big", "--name", "Big federation", "--metadata", file],
      ]);
      const run = await promisify(execFile)(importer.command, importer.args, {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: stack.databaseUrl },
        timeout: 60_000,
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code?: number; stderr?: string }) => ({
          code: error.code ?? -1,
          stderr: error.stderr ?? "",
        }),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe("--metadata: The metadata is larger than 512 KiB.\n");
      expect(await stack.db.samlIdentityProvider.count({ where: { slug: "big" } })).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The IdP's edit page's text as the admin reads it: tags dropped, entities decoded. */
async function editPage(slug: string): Promise<string> {
  const res = await alice.request(`/admin/identity-providers/${(await row(slug)).id}`);
  expect(res.status).toBe(200);
  return (await res.text())
    .replace(/<[^>]*>/g, "")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"');
}

// Last: these move the portal's clock around the demo IdP's certificate.
describe("the IdP's page flags a certificate outside its dates, in the words adding it uses", () => {
  const cert = () => new X509Certificate(demo().signingCertificatePem);

  it("not yet valid: 'is valid only from <UTC day>: the IdP's next certificate?'", async () => {
    const notBefore = new Date(cert().validFrom);
    stack.portalClock.advance(notBefore.getTime() - Date.now() - 86_400_000);
    try {
      const html = await editPage("corp-saml");
      expect(html).toContain(
        `This certificate is valid only from ${formatUtc(notBefore, "date")}: the IdP's next certificate?`,
      );
      expect(html).toContain("None of its signing certificates is valid today");
    } finally {
      stack.portalClock.reset();
    }
  });

  it("valid today: no flag", async () => {
    const html = await editPage("corp-saml");
    expect(html).not.toContain("This certificate");
    expect(html).not.toContain("None of its signing certificates is valid today");
  });

  it("expired: 'expired on <UTC day>: check that this is the IdP's current metadata.'", async () => {
    const notAfter = new Date(cert().validTo);
    stack.portalClock.advance(notAfter.getTime() - Date.now() + 86_400_000);
    try {
      alice = await signIn(stack, "alice");
      const html = await editPage("corp-saml");
      expect(html).toContain(
        `This certificate expired on ${formatUtc(notAfter, "date")}: check that this is the IdP's current metadata.`,
      );
    } finally {
      stack.portalClock.reset();
    }
  });
});

// Last: it moves the portal's clock past the demo IdP's certificate.
describe("adding an IdP whose metadata's only certificate has expired", () => {
  it("succeeds, and the message says the certificate expired and none is valid today", async () => {
    const notAfter = new Date(new X509Certificate(demo().signingCertificatePem).validTo).getTime();
    stack.portalClock.advance(notAfter - Date.now() + 86_400_000);
    try {
      alice = await signIn(stack, "alice");
      const reply = await addIdp("stale", metadataFor("https://stale.example/idp"));
      expect(reply.state?.ok).toBe(true);
      expect(reply.state?.message).toMatch(
        /^Added https:\/\/stale\.example\/idp\. The signing certificate .* expired on \d{4}-\d{2}-\d{2}: check that this is the IdP's current metadata\. None of its signing certificates is valid today/,
      );
    } finally {
      stack.portalClock.reset();
    }
  });
});

// A NUL can't be stored by PostgreSQL at all (it was a 500 there, stored silently on SQLite), and
// direction marks could make the name on the public sign-in page read as another IdP's.
const hostileText: Array<[string, string]> = [
  ["a NUL", "Corp\u0000SSO"],
  ["a right-to-left override", "Corp \u202eOSS"],
  ["a line break", "Corp\nSSO"],
];

describe("an IdP's fields take plain text only: control characters and direction marks are refused by field", () => {
  it.each(hostileText)("at add: %s in any field is refused, nothing added", async (_, bad) => {
    const metadataXml = metadataFor("https://hostile.example/idp");
    for (const field of ["displayName", "groupsAttribute", "emailAttribute", "awsAppUrl"]) {
      const value = field === "awsAppUrl" ? `https://aws.example/${bad}` : bad;
      const reply = await addIdp("hostile", metadataXml, { [field]: value });
      expect(reply.status, field).toBe(200);
      expect(reply.state?.ok, field).toBe(false);
      expect(reply.state?.errors[field], field).toMatch(/plain text|http\(s\) URL/);
      expect(await stack.db.samlIdentityProvider.count({ where: { slug: "hostile" } })).toBe(0);
    }
  });

  it.each(hostileText)("at edit: %s in any field is refused, nothing changed", async (_, bad) => {
    const before = await row("corp-saml");
    const settings: Record<string, string> = {
      displayName: before.displayName,
      entityId: before.entityId,
      ssoUrl: before.ssoUrl,
      sloUrl: before.sloUrl ?? "",
      metadataUrl: "",
      groupsAttribute: before.groupsAttribute,
      userKeyAttribute: "uid",
      emailAttribute: "",
      displayNameAttribute: "",
      awsAppUrl: "",
    };
    for (const field of [
      "displayName",
      "entityId",
      "ssoUrl",
      "groupsAttribute",
      "emailAttribute",
    ]) {
      const value = field === "ssoUrl" ? `${before.ssoUrl}${bad}` : bad;
      const reply = await postAction<FormState>(
        alice,
        `/admin/identity-providers/${before.id}`,
        { file: "app/admin/identity-providers/edit-actions.ts", name: "updateIdentityProvider" },
        { ok: false, message: null, warnings: [], errors: {}, values: {} },
        { id: before.id, version: String(before.updatedAt.getTime()), ...settings, [field]: value },
        isFormState,
      );
      expect(reply.status, field).toBe(200);
      expect(reply.state?.ok, field).toBe(false);
      expect(reply.state?.errors[field], field).toMatch(/plain text|no spaces|http\(s\) URL/);
      expect(await row("corp-saml"), field).toEqual(before);
    }
  });
});

// One set of field rules (docs/SAML-IDENTITY.md "One set of field rules"): what the edit form
// refuses can't be added either, by hand or from metadata, pasted or at a URL, nor refreshed in.
const LOCATION = (element: string) =>
  new RegExp(`(<(?:\\w+:)?${element}\\b[^>]*Binding="[^"]*HTTP-Redirect"[^>]*Location=")[^"]*"`);

/** The demo IdP's metadata for `entityId`, its SSO URL or SLO URL replaced when given. */
function metadataWith(entityId: string, urls: { sso?: string; slo?: string } = {}): string {
  let xml = metadataFor(entityId);
  for (const [element, url] of [
    ["SingleSignOnService", urls.sso],
    ["SingleLogoutService", urls.slo],
  ] as const) {
    if (url === undefined) continue;
    expect(xml).toMatch(LOCATION(element));
    xml = xml.replace(LOCATION(element), `$1${url}"`);
  }
  return xml;
}

/** Serves whatever `body` holds now as metadata, on loopback (http is allowed there). */
async function metadataServer() {
  const served = { body: "" };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/samlmetadata+xml" });
    res.end(served.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    served,
    url: `http://127.0.0.1:${port}/metadata`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// XML character references put what a literal couldn't into an attribute: a line break stays one.
const fromMetadata: Array<[string, (n: string) => string, RegExp]> = [
  [
    "an entity ID longer than 1024 characters",
    (n) => metadataFor(`https://long-${n}.example/${"a".repeat(1030)}`),
    /^The entity ID \(entityID\) read from the metadata is refused: Keep the entity ID under 1024 characters\./,
  ],
  [
    "an entity ID with a space",
    (n) => metadataFor(`https://space-${n}.example/my idp`),
    /^The entity ID \(entityID\) read from the metadata is refused: An entity ID has no spaces\./,
  ],
  [
    "an entity ID with a right-to-left override",
    (n) => metadataFor(`https://rlo-${n}.example/\u202eidp`),
    /^The entity ID \(entityID\) read from the metadata is refused: Use plain text/,
  ],
  [
    "an SSO URL with a line break",
    (n) => metadataWith(`https://sso-${n}.example/idp`, { sso: "https://sso.example/a&#10;b" }),
    /^The single sign-on URL \(SingleSignOnService Location\) read from the metadata is refused: /,
  ],
  [
    "an SLO URL with a right-to-left override",
    (n) => metadataWith(`https://slo-${n}.example/idp`, { slo: "https://slo.example/\u202eout" }),
    /^The single logout URL \(SingleLogoutService Location\) read from the metadata is refused: Use plain text/,
  ],
];

describe("one set of field rules: an IdP is added only with values its edit form accepts", () => {
  it("typed by hand: an attribute name with spaces is refused by field at add, as at edit", async () => {
    const metadataXml = metadataFor("https://spaced.example/idp");
    for (const field of [
      "groupsAttribute",
      "userKeyAttribute",
      "emailAttribute",
      "displayNameAttribute",
    ]) {
      const reply = await addIdp("spaced", metadataXml, { [field]: "member of" });
      expect(reply.state?.errors, field).toEqual({ [field]: "An attribute name has no spaces." });
      expect(await stack.db.samlIdentityProvider.count({ where: { slug: "spaced" } })).toBe(0);
    }
  });

  it.each(fromMetadata)(
    "read from the metadata, pasted or at its URL: %s is refused naming the field and the metadata",
    async (_, document, refusal) => {
      const server = await metadataServer();
      try {
        server.served.body = document("url");
        for (const [how, source] of [
          ["pasted", { metadataXml: document("xml") }],
          ["at its URL", { metadataXml: "", metadataUrl: server.url }],
        ] as const) {
          const reply = await addIdp("from-metadata", "", source);
          expect(reply.state?.ok, how).toBe(false);
          expect(reply.state?.errors.metadata, how).toMatch(refusal);
          const added = await stack.db.samlIdentityProvider.count({
            where: { slug: "from-metadata" },
          });
          expect(added, how).toBe(0);
        }
      } finally {
        await server.close();
      }
    },
  );

  it("refreshed from the metadata URL: an SSO or SLO URL the edit form would refuse is not shown or applied", async () => {
    const server = await metadataServer();
    try {
      const entityId = "https://refreshed.example/idp";
      server.served.body = metadataWith(entityId);
      const added = await addIdp("refreshed", "", { metadataXml: "", metadataUrl: server.url });
      expect(added.state?.ok).toBe(true);
      const before = await row("refreshed");
      for (const [what, urls, refusal] of [
        ["an SSO URL with a DEL", { sso: "https://sso.example/a&#x7f;b" }, /single sign-on URL/],
        ["an SSO URL with a space", { sso: "https://sso.example/a b" }, /single sign-on URL/],
        ["an SLO URL with a line break", { slo: "https://slo.example/a&#10;b" }, /single logout/],
      ] as const) {
        server.served.body = metadataWith(entityId, urls);
        const reply = await postAction<{ error: string | null; preview: unknown }>(
          alice,
          `/admin/identity-providers/${before.id}`,
          {
            file: "app/admin/identity-providers/refresh-actions.ts",
            name: "previewIdentityProviderRefresh",
          },
          { error: null, preview: null },
          { id: before.id, version: String(before.updatedAt.getTime()) },
          (v) => "error" in v && "preview" in v,
        );
        expect(reply.state?.preview, what).toBeNull();
        expect(reply.state?.error, what).toMatch(refusal);
        expect(reply.state?.error, what).toMatch(
          /read from the metadata is refused: .*Nothing was changed\.$/,
        );
        expect(await row("refreshed"), what).toEqual(before);
      }
    } finally {
      await server.close();
    }
  });
});
