// Adding an IdP (docs/SAML-IDENTITY.md "Adding an IdP"), through the real admin actions over HTTP.
// One IdP, one entry: an entity ID that another IdP already has — exactly, or but for letter case
// or a trailing slash, which is nearly always the same IdP added twice and would split its users in
// two — is refused at add and at edit, naming the IdP that has it. Metadata whose certificates
// aren't valid today is added with a warning saying so.
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type PortalSession } from "../support/portal-client";
import { postAction } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

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

function addIdp(slug: string, metadataXml: string) {
  return postAction<FormState>(
    alice,
    "/admin/identity-providers",
    { file: "app/admin/identity-providers/actions.ts", name: "addIdentityProvider" },
    { ok: false, message: null, errors: {}, values: {} },
    { displayName: `IdP ${slug}`, slug, metadataXml, groupsAttribute: "groups" },
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
