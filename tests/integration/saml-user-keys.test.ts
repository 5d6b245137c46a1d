// SAML user keys and attributes (docs/SAML-IDENTITY.md), through real samlify IdPs and the real
// admin actions over HTTP: an IdP sending a transient NameID (SimpleSAMLphp does unless told
// otherwise) must not make a new user at every sign-in, and SimpleSAMLphp's and AD FS's
// `displayName` or OID names are read, not only `name`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoUsers } from "@/dev/demo-users";
import { startSamlIdp, type SamlIdp, type StartSamlIdpOptions } from "@/dev/saml-idp/server";
import { parseDetails } from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import {
  expectSignInRefused,
  passIdpLogin,
  portalSamlTargets,
  postToAcs,
  SamlBrowser,
  signInWithDemoSaml,
  startSpLogin,
} from "../support/saml-portal";
import { getTestSigningKey } from "../support/saml-fixtures";
import { postAction } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";
import { ROOT } from "@/dev/local-stack";
import { operatorCommand } from "@/tests/support/operator-command";

const OID = {
  uid: "urn:oid:0.9.2342.19200300.100.1.1",
  mail: "urn:oid:0.9.2342.19200300.100.1.3",
  displayName: "urn:oid:2.16.840.1.113730.3.1.241",
} as const;

let stack: TestStack;
let alice: PortalSession;
/** Like SimpleSAMLphp by default: transient NameIDs only, attributes by OID. */
let simpleSaml: SamlIdp;
/** Like AD FS or Entra ID: an email NameID, and `displayName` rather than `name`. */
let adfsLike: SamlIdp;

function startIdp(extra: Partial<StartSamlIdpOptions>): Promise<SamlIdp> {
  return startSamlIdp({
    users: demoUsers,
    apps: [
      {
        id: "gatehouse",
        name: "Gatehouse",
        spEntityId: portalSamlTargets(stack).audience,
        acsUrl: portalSamlTargets(stack).acsUrl,
        allowIdpInitiated: false,
      },
    ],
    log: () => undefined,
    ...extra,
  });
}

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  alice = await signIn(stack, "alice");
  simpleSaml = await startIdp({
    transientNameIds: true,
    userAttributes: (u) => ({
      [OID.uid]: [u.username],
      [OID.mail]: [u.email],
      [OID.displayName]: [u.name],
    }),
  });
  adfsLike = await startIdp({
    userAttributes: (u) => ({ displayName: [u.name], givenName: ["Given"], sn: ["Surname"] }),
  });
});

afterAll(async () => {
  await simpleSaml?.close();
  await adfsLike?.close();
  await stack?.stop();
});

// ---- the admin actions, as the browser posts them ----------------------------------------------

interface FormState {
  ok: boolean;
  message: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
  warnings?: string[];
}
const isFormState = (v: Record<string, unknown>) =>
  typeof v.ok === "boolean" && typeof v.errors === "object" && typeof v.values === "object";
const ADD = { file: "app/admin/identity-providers/actions.ts", name: "addIdentityProvider" };
const EDIT = "app/admin/identity-providers/edit-actions.ts";
const REFRESH = "app/admin/identity-providers/refresh-actions.ts";
const EMPTY_STATE = { ok: false, message: null, warnings: [], errors: {}, values: {} };

function addIdp(fields: Record<string, string>) {
  return postAction<FormState>(
    alice,
    "/admin/identity-providers",
    ADD,
    { ok: false, message: null, errors: {}, values: {} },
    fields,
    isFormState,
  );
}

async function idpRow(slug: string) {
  return stack.db.samlIdentityProvider.findUniqueOrThrow({ where: { slug } });
}

async function editAction(name: string, slug: string, fields: Record<string, string>) {
  const row = await idpRow(slug);
  return postAction<FormState>(
    alice,
    `/admin/identity-providers/${row.id}`,
    { file: EDIT, name },
    EMPTY_STATE,
    { id: row.id, version: String(row.updatedAt.getTime()), ...fields },
    isFormState,
  );
}

/** The settings form as the edit page fills it for `slug`. */
async function settingsOf(slug: string): Promise<Record<string, string>> {
  const row = await idpRow(slug);
  return {
    displayName: row.displayName,
    entityId: row.entityId,
    ssoUrl: row.ssoUrl,
    sloUrl: row.sloUrl ?? "",
    metadataUrl: row.metadataUrl ?? "",
    groupsAttribute: row.groupsAttribute,
    userKeyAttribute: row.userKeyAttribute ?? "",
    emailAttribute: row.emailAttribute ?? "",
    displayNameAttribute: row.displayNameAttribute ?? "",
    awsAppUrl: row.awsAppUrl ?? "",
    allowIdpInitiated: row.allowIdpInitiated ? "on" : "",
    requireSignedResponse: row.requireSignedResponse ? "on" : "",
  };
}

async function updatedAudits(requestId: string | null) {
  expect(requestId).toBeTruthy();
  return stack.db.auditEvent.findMany({
    where: { requestId: requestId ?? "", action: "admin.saml-idp.updated" },
  });
}

// ---- signing in --------------------------------------------------------------------------------

async function samlSignInPost(slug: string, username: string) {
  const browser = new SamlBrowser();
  const login = await startSpLogin(stack, browser, slug);
  const posted = await passIdpLogin(browser, await browser.get(login.idpUrl), username);
  return postToAcs(stack, browser, posted.samlResponse, {
    ...(posted.relayState !== undefined ? { RelayState: posted.relayState } : {}),
  });
}

const usersOf = (idp: SamlIdp) => stack.db.user.findMany({ where: { issuer: idp.entityId } });

describe("a transient NameID is never a user key", () => {
  it("adding an IdP whose metadata offers only transient NameIDs, without a user-key attribute, is refused and keeps every typed field", async () => {
    const fields = {
      displayName: "SimpleSAMLphp",
      slug: "simplesaml",
      metadataUrl: simpleSaml.metadataUrl,
      groupsAttribute: "groups",
      emailAttribute: "mail",
      awsAppUrl: "",
      allowIdpInitiated: "on",
    };
    const reply = await addIdp(fields);
    expect(reply.state?.ok).toBe(false);
    expect(reply.state?.errors.userKeyAttribute).toMatch(
      /only transient NameIDs.*user-key attribute/,
    );
    expect(reply.state?.values).toMatchObject(fields);
    expect(await stack.db.samlIdentityProvider.count({ where: { slug: "simplesaml" } })).toBe(0);
  });

  it("an add with several wrong fields reports them all at once, with what was typed", async () => {
    const fields = { displayName: "", slug: "Not A Slug", metadataUrl: "", metadataXml: "" };
    const reply = await addIdp(fields);
    expect(Object.keys(reply.state?.errors ?? {}).sort()).toEqual([
      "displayName",
      "metadata",
      "slug",
    ]);
    expect(reply.state?.values).toMatchObject({ slug: "Not A Slug" });
  });

  it("the command-line importer refuses it too, naming the option to set, and imports it once a user-key attribute is given", async () => {
    const importIdp = async (...extra: string[]) => {
      try {
        const importer = operatorCommand("saml:import", [
          ...["--slug", "simplesaml-cli", "--name", "SimpleSAMLphp (CLI)"],
          ...["--metadata", simpleSaml.metadataUrl, ...extra],
        ]);
        await promisify(execFile)(importer.command, importer.args, {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: stack.databaseUrl },
          timeout: 60_000,
        });
        return { code: 0, stderr: "" };
      } catch (error) {
        const e = error as { code?: number; stderr?: string };
        return { code: e.code ?? -1, stderr: e.stderr ?? "" };
      }
    };
    const refused = await importIdp();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /--user-key-attribute: This IdP's metadata offers only transient/,
    );
    expect(await stack.db.samlIdentityProvider.count({ where: { slug: "simplesaml-cli" } })).toBe(
      0,
    );
    expect(await importIdp("--user-key-attribute", OID.uid)).toEqual({ code: 0, stderr: "" });
    // It shares the IdP's entity ID with the row the next tests register by hand.
    await stack.db.samlIdentityProvider.delete({ where: { slug: "simplesaml-cli" } });
  });

  it("an IdP already registered without a user-key attribute: its transient NameID is refused at sign-in — no user, no session, audited, and the user told what an administrator must do", async () => {
    // As an IdP added before this rule was (or whose metadata also lists persistent) stands.
    await stack.db.samlIdentityProvider.create({
      data: {
        slug: "simplesaml",
        displayName: "SimpleSAMLphp",
        entityId: simpleSaml.entityId,
        ssoUrl: simpleSaml.ssoUrl,
        certificatesJson: JSON.stringify([simpleSaml.signingCertificatePem]),
        metadataUrl: simpleSaml.metadataUrl,
      },
    });
    for (const username of ["bob", "bob"]) {
      const result = await samlSignInPost("simplesaml", username);
      await expectSignInRefused(stack, result, "transient_name_id", "saml-transient-name-id");
      const row = await stack.db.auditEvent.findFirstOrThrow({
        where: { requestId: new URL(result.location ?? "").searchParams.get("requestId") ?? "" },
      });
      expect(parseDetails(row.detailsJson)).toMatchObject({
        idp: "simplesaml",
        detail: "transient NameID without a user-key attribute",
      });
      const page = await fetch(new URL(result.location ?? "", stack.portalUrl));
      expect(await page.text()).toMatch(
        /sends a one-time identifier for you.*An administrator must configure a stable user-key attribute/,
      );
    }
    expect(await usersOf(simpleSaml)).toEqual([]);
  });

  it("clearing the user-key attribute of an IdP whose metadata offers only transient NameIDs is refused at edit", async () => {
    await stack.db.samlIdentityProvider.update({
      where: { slug: "simplesaml" },
      data: { userKeyAttribute: OID.uid },
    });
    const before = await idpRow("simplesaml");
    const reply = await editAction("updateIdentityProvider", "simplesaml", {
      ...(await settingsOf("simplesaml")),
      userKeyAttribute: "",
    });
    expect(reply.state?.errors.userKeyAttribute).toMatch(/only transient NameIDs/);
    expect(await idpRow("simplesaml")).toEqual(before);
  });

  it("with a stable user-key attribute the same person is one user across sign-ins, and email and display name come from the OID attributes", async () => {
    const reply = await editAction("updateIdentityProvider", "simplesaml", {
      ...(await settingsOf("simplesaml")),
      userKeyAttribute: OID.uid,
      emailAttribute: "",
      displayNameAttribute: "",
    });
    expect(reply.state).toMatchObject({ ok: true, errors: {} });
    await signInWithDemoSaml(stack, "bob", { slug: "simplesaml" });
    await signInWithDemoSaml(stack, "bob", { slug: "simplesaml" });
    const bob = demoUsers.find((u) => u.username === "bob");
    expect(await usersOf(simpleSaml)).toEqual([
      expect.objectContaining({ subject: "bob", email: bob?.email, displayName: bob?.name }),
    ]);
  });

  it("a configured user-key attribute the assertion lacks is refused, with the user told to ask an administrator", async () => {
    await stack.db.samlIdentityProvider.update({
      where: { slug: "simplesaml" },
      data: { userKeyAttribute: "employeeNumber" },
    });
    const result = await samlSignInPost("simplesaml", "carol");
    await expectSignInRefused(stack, result, "missing_user_key", "saml-missing-user-key");
    expect((await usersOf(simpleSaml)).map((u) => u.subject)).toEqual(["bob"]);
  });
});

describe("email and display name", () => {
  it("an IdP sending displayName (not name) and an email NameID gives the user both", async () => {
    await stack.db.samlIdentityProvider.create({
      data: {
        slug: "adfs",
        displayName: "AD FS",
        entityId: adfsLike.entityId,
        ssoUrl: adfsLike.ssoUrl,
        certificatesJson: JSON.stringify([adfsLike.signingCertificatePem]),
        emailAttribute: "email",
        displayNameAttribute: "name",
      },
    });
    await signInWithDemoSaml(stack, "carol", { slug: "adfs" });
    const carol = demoUsers.find((u) => u.username === "carol");
    expect(await usersOf(adfsLike)).toEqual([
      expect.objectContaining({
        subject: carol?.email,
        email: carol?.email,
        displayName: carol?.name,
      }),
    ]);
  });

  it("a configured display-name attribute comes before the common names", async () => {
    await stack.db.samlIdentityProvider.update({
      where: { slug: "adfs" },
      data: { displayNameAttribute: "sn" },
    });
    await signInWithDemoSaml(stack, "carol", { slug: "adfs" });
    expect((await usersOf(adfsLike)).map((u) => u.displayName)).toEqual(["Surname"]);
  });
});

describe("editing an IdP", () => {
  it("the list links to each IdP's edit page, which shows its settings and certificates and says the slug is fixed", async () => {
    const row = await idpRow("corp-saml");
    const list = await (await alice.request("/admin/identity-providers")).text();
    expect(list).toContain(`href="/admin/identity-providers/${row.id}"`);
    const res = await alice.request(`/admin/identity-providers/${row.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="idp-edit-form"');
    expect(html).toMatch(/corp-saml<\/code> — fixed/);
    expect(html).toContain(row.entityId);
    expect(html.match(/data-testid="idp-certificate"/g)).toHaveLength(1);
    const missing = await alice.request("/admin/identity-providers/aaaaaaaaaaaaaaaaaaaaaaaaa");
    expect(missing.status).toBe(404);
  });

  it("a save with every field wrong changes nothing and hands back every field's error with what was typed", async () => {
    const before = await idpRow("corp-saml");
    const typed = {
      displayName: " ",
      entityId: "has spaces",
      ssoUrl: "ftp://idp.example/sso",
      sloUrl: "not a url",
      metadataUrl: "http://idp.example/metadata",
      groupsAttribute: "",
      userKeyAttribute: "two words",
      emailAttribute: "e mail",
      displayNameAttribute: "display name",
      awsAppUrl: "javascript:alert(1)",
      allowIdpInitiated: "on",
      requireSignedResponse: "",
    };
    const reply = await editAction("updateIdentityProvider", "corp-saml", typed);
    expect(Object.keys(reply.state?.errors ?? {}).sort()).toEqual(
      [
        "awsAppUrl",
        "displayName",
        "displayNameAttribute",
        "emailAttribute",
        "entityId",
        "groupsAttribute",
        "metadataUrl",
        "sloUrl",
        "ssoUrl",
        "userKeyAttribute",
      ].sort(),
    );
    expect(reply.state?.values).toEqual(typed);
    expect(await idpRow("corp-saml")).toEqual(before);
    expect(await updatedAudits(reply.requestId)).toEqual([]);
  });

  it("a save is audited with before and after and moves the version; the form it replaced is then refused as stale", async () => {
    const before = await idpRow("corp-saml");
    const form = { ...(await settingsOf("corp-saml")), displayName: "Corp SAML (renamed)" };
    const reply = await editAction("updateIdentityProvider", "corp-saml", {
      ...form,
      emailAttribute: "mail",
    });
    expect(reply.state).toMatchObject({ ok: true, message: "Saved." });
    const after = await idpRow("corp-saml");
    expect(after).toMatchObject({ displayName: "Corp SAML (renamed)", emailAttribute: "mail" });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    const [audit] = await updatedAudits(reply.requestId);
    expect(parseDetails(audit?.detailsJson ?? "{}")).toMatchObject({
      idp: "corp-saml",
      change: "settings",
      before: { displayName: before.displayName, emailAttribute: before.emailAttribute },
      after: { displayName: "Corp SAML (renamed)", emailAttribute: "mail" },
    });

    const stale = await postAction<FormState>(
      alice,
      `/admin/identity-providers/${before.id}`,
      { file: EDIT, name: "updateIdentityProvider" },
      EMPTY_STATE,
      { id: before.id, version: String(before.updatedAt.getTime()), ...form, displayName: "Lost" },
      isFormState,
    );
    expect(stale.state?.errors.form).toMatch(/changed since you opened this page/);
    expect(stale.state?.values.displayName).toBe("Lost");
    expect((await idpRow("corp-saml")).displayName).toBe("Corp SAML (renamed)");
  });

  it("a certificate is added and removed, audited by fingerprint only; garbage and the last certificate are refused", async () => {
    const current = (await idpRow("corp-saml")).certificatesJson;
    // The IdP's next certificate, pasted as its bare base64 body (as metadata carries it).
    const { certificatePem: pem, certificateBase64: body } = getTestSigningKey("idp-next");

    for (const garbage of [
      "not a certificate",
      "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
    ]) {
      const refused = await editAction("addIdentityProviderCertificate", "corp-saml", {
        certificate: garbage,
      });
      expect(refused.state?.errors.certificate).toMatch(/Paste one X\.509 certificate/);
      // (multipart form data carries line breaks as CRLF, as browsers send them)
      expect(refused.state?.values.certificate?.replaceAll("\r\n", "\n")).toBe(garbage);
    }

    const added = await editAction("addIdentityProviderCertificate", "corp-saml", {
      certificate: body,
    });
    expect(added.state).toMatchObject({ ok: true, message: "Certificate added." });
    expect(JSON.parse((await idpRow("corp-saml")).certificatesJson)).toHaveLength(2);
    const [audit] = await updatedAudits(added.requestId);
    expect(audit?.detailsJson).not.toContain(body.slice(0, 40));
    const details = parseDetails(audit?.detailsJson ?? "{}") as {
      change: string;
      before: { certificates: string[] };
      after: { certificates: string[] };
    };
    expect(details.change).toBe("certificate-added");
    expect(details.after.certificates).toHaveLength(2);
    expect(details.after.certificates[1]).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    const again = await editAction("addIdentityProviderCertificate", "corp-saml", {
      certificate: pem,
    });
    expect(again.state?.errors.certificate).toMatch(/already has this certificate/);

    const removed = await editAction("removeIdentityProviderCertificate", "corp-saml", {
      fingerprint: details.after.certificates[1] ?? "",
    });
    expect(removed.state).toMatchObject({ ok: true });
    expect((await idpRow("corp-saml")).certificatesJson).toBe(current);

    const last = await editAction("removeIdentityProviderCertificate", "corp-saml", {
      fingerprint: details.before.certificates[0] ?? "",
    });
    expect(last.state?.errors.form).toMatch(/only signing certificate/);
    expect((await idpRow("corp-saml")).certificatesJson).toBe(current);
  });

  it("refresh from the metadata URL shows what would change, applies exactly that, and refuses a preview the metadata no longer matches", async () => {
    const demo = stack.samlIdp;
    if (!demo) throw new Error("the stack has no demo SAML IdP");
    // The row has drifted from its metadata: an old SSO URL and a certificate the IdP dropped.
    await stack.db.samlIdentityProvider.update({
      where: { slug: "corp-saml" },
      data: {
        ssoUrl: "https://old-idp.example/sso",
        certificatesJson: JSON.stringify([
          demo.signingCertificatePem,
          getTestSigningKey("idp-next").certificatePem,
        ]),
      },
    });
    const row = await idpRow("corp-saml");
    const preview = await postAction<{
      error: string | null;
      preview: Record<string, unknown> | null;
    }>(
      alice,
      `/admin/identity-providers/${row.id}`,
      { file: REFRESH, name: "previewIdentityProviderRefresh" },
      { error: null, preview: null },
      { id: row.id, version: String(row.updatedAt.getTime()) },
      (v) => "preview" in v && "error" in v,
    );
    expect(preview.state?.error).toBeNull();
    const shown = preview.state?.preview as {
      ssoUrl: { before: string; after: string };
      added: unknown[];
      removed: { fingerprint: string }[];
      hash: string;
    };
    expect(shown.ssoUrl).toEqual({ before: "https://old-idp.example/sso", after: demo.ssoUrl });
    expect(shown.added).toEqual([]);
    expect(shown.removed).toHaveLength(1);
    expect(await idpRow("corp-saml")).toEqual(row);

    const mismatch = await postAction<FormState>(
      alice,
      `/admin/identity-providers/${row.id}`,
      { file: REFRESH, name: "applyIdentityProviderRefresh" },
      EMPTY_STATE,
      { id: row.id, version: String(row.updatedAt.getTime()), expectedHash: "0".repeat(64) },
      isFormState,
    );
    expect(mismatch.state?.errors.form).toMatch(/metadata changed since you checked it/);
    expect(await idpRow("corp-saml")).toEqual(row);

    const applied = await postAction<FormState>(
      alice,
      `/admin/identity-providers/${row.id}`,
      { file: REFRESH, name: "applyIdentityProviderRefresh" },
      EMPTY_STATE,
      { id: row.id, version: String(row.updatedAt.getTime()), expectedHash: shown.hash },
      isFormState,
    );
    expect(applied.state).toMatchObject({ ok: true });
    const after = await idpRow("corp-saml");
    expect(after.ssoUrl).toBe(demo.ssoUrl);
    expect(JSON.parse(after.certificatesJson)).toHaveLength(1);
    const [audit] = await updatedAudits(applied.requestId);
    expect(parseDetails(audit?.detailsJson ?? "{}")).toMatchObject({
      change: "metadata-refreshed",
      after: { ssoUrl: demo.ssoUrl },
    });
    // And the refreshed IdP still signs people in.
    await signInWithDemoSaml(stack, "alice");
  });
});
