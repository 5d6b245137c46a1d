// Favorites and "Recently used" over HTTP against the built portal: starring is idempotent, limited
// to roles the user can use (anything else is a 404 that says nothing), authenticated, same-origin
// only and never cached; stars survive signing out; recents follow the audit log, newest first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectApiError, sectionRoleIds, storedUser } from "../support/portal-assertions";
import { roleIdOf, signIn, signOut, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let bob: PortalSession;
let roles: {
  stagingDeveloper: string;
  sandboxDeveloper: string;
  dataScience: string;
  prodAdministrator: string;
  prodReadOnly: string;
};

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  roles = {
    stagingDeveloper: await roleIdOf(stack, "acme-staging", "Developer"),
    sandboxDeveloper: await roleIdOf(stack, "acme-sandbox", "Developer"),
    dataScience: await roleIdOf(stack, "acme-sandbox", "DataScience"),
    prodAdministrator: await roleIdOf(stack, "acme-production", "Administrator"),
    prodReadOnly: await roleIdOf(stack, "acme-production", "ReadOnly"),
  };
});
afterAll(async () => {
  await stack?.stop();
});

function favorite(session: PortalSession, roleId: string, method: "PUT" | "DELETE") {
  return session.request(`/api/favorites/${roleId}`, { method });
}

async function favoriteRows(username: string): Promise<string[]> {
  const user = await storedUser(stack, username);
  const rows = await stack.db.favoriteRole.findMany({
    where: { personId: user.personId },
    select: { roleId: true },
  });
  return rows.map((r) => r.roleId).sort();
}

describe("starring a role the user can use", () => {
  it("PUT stars it (200, no-store) and DELETE unstars it", async () => {
    const put = await favorite(bob, roles.stagingDeveloper, "PUT");
    expect(put.status).toBe(200);
    expect(put.headers.get("cache-control")).toContain("no-store");
    expect(await put.json()).toEqual({ roleId: roles.stagingDeveloper, isFavorite: true });
    expect(await favoriteRows("bob")).toEqual([roles.stagingDeveloper]);
    expect(await sectionRoleIds(bob, "favorite-role")).toEqual([roles.stagingDeveloper]);

    const del = await favorite(bob, roles.stagingDeveloper, "DELETE");
    expect(del.status).toBe(200);
    expect(del.headers.get("cache-control")).toContain("no-store");
    expect(await del.json()).toEqual({ roleId: roles.stagingDeveloper, isFavorite: false });
    expect(await favoriteRows("bob")).toEqual([]);
    expect(await sectionRoleIds(bob, "favorite-role")).toEqual([]);
  });

  it("is idempotent: two PUTs (even at once) leave one star, two DELETEs both succeed", async () => {
    const puts = await Promise.all([
      favorite(bob, roles.sandboxDeveloper, "PUT"),
      favorite(bob, roles.sandboxDeveloper, "PUT"),
      favorite(bob, roles.sandboxDeveloper, "PUT"),
    ]);
    expect(puts.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await favorite(bob, roles.sandboxDeveloper, "PUT")).status).toBe(200);
    expect(await favoriteRows("bob")).toEqual([roles.sandboxDeveloper]);

    expect((await favorite(bob, roles.sandboxDeveloper, "DELETE")).status).toBe(200);
    expect((await favorite(bob, roles.sandboxDeveloper, "DELETE")).status).toBe(200);
    expect(await favoriteRows("bob")).toEqual([]);
  });

  it("stars and unstars racing each other (two tabs, a double click) never fail: 200 each, at most one star", async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        favorite(bob, roles.sandboxDeveloper, i % 2 === 0 ? "PUT" : "DELETE"),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect((await favoriteRows("bob")).length).toBeLessThanOrEqual(1);
    expect((await favorite(bob, roles.sandboxDeveloper, "DELETE")).status).toBe(200);
  });

  it("a CLI-only grant (bob's personal DataScience) can be starred too", async () => {
    expect((await favorite(bob, roles.dataScience, "PUT")).status).toBe(200);
    expect(await favoriteRows("bob")).toEqual([roles.dataScience]);
    expect((await favorite(bob, roles.dataScience, "DELETE")).status).toBe(200);
  });
});

describe("a role the user has no grant for is not found, and nothing is stored", () => {
  const cases: Array<{ name: string; id: () => string }> = [
    { name: "alice's acme-production/Administrator", id: () => roles.prodAdministrator },
    { name: "a well-formed id that matches no role", id: () => "cnotarole0000000000000000" },
    { name: "a malformed id (upper case)", id: () => "CNOTAROLE0000000000000000" },
    { name: "a malformed id (too short)", id: () => "abc" },
    { name: "a malformed id (SQL)", id: () => encodeURIComponent("' OR '1'='1") },
    { name: "a malformed id (traversal)", id: () => encodeURIComponent("../x") },
    { name: "a malformed id (300 characters)", id: () => "a".repeat(300) },
  ];
  for (const method of ["PUT", "DELETE"] as const) {
    for (const c of cases) {
      it(`${method} ${c.name} → 404 not_found`, async () => {
        const res = await favorite(bob, c.id(), method);
        await expectApiError(res, 404, "not_found");
        expect(await favoriteRows("bob")).toEqual([]);
      });
    }
  }

  it("a role that exists but isn't yours answers exactly like one that doesn't exist", async () => {
    const theirs = await expectApiError(await favorite(bob, roles.prodAdministrator, "PUT"), 404);
    const nowhere = await expectApiError(
      await favorite(bob, "cnotarole0000000000000000", "PUT"),
      404,
    );
    expect({ ...theirs.error, requestId: "" }).toEqual({ ...nowhere.error, requestId: "" });
  });

  it("carol (no groups) can't star the developers' roles", async () => {
    const carol = await signIn(stack, "carol");
    await expectApiError(await favorite(carol, roles.stagingDeveloper, "PUT"), 404, "not_found");
    expect(await favoriteRows("carol")).toEqual([]);
  });
});

describe("every favorites request authenticates and must come from the portal's own pages", () => {
  for (const method of ["PUT", "DELETE"] as const) {
    it(`${method} without a session → 401 unauthenticated`, async () => {
      const res = await fetch(`${stack.portalUrl}/api/favorites/${roles.stagingDeveloper}`, {
        method,
        headers: { Origin: stack.portalUrl },
      });
      await expectApiError(res, 401, "unauthenticated");
    });

    it(`${method} from another site (Origin https://evil.example) → 403 csrf_rejected, nothing changes`, async () => {
      if (method === "DELETE")
        expect((await favorite(bob, roles.prodReadOnly, "PUT")).status).toBe(200);
      const before = await favoriteRows("bob");
      const res = await bob.request(`/api/favorites/${roles.prodReadOnly}`, {
        method,
        headers: { Origin: "https://evil.example" },
      });
      await expectApiError(res, 403, "csrf_rejected");
      expect(await favoriteRows("bob")).toEqual(before);
      if (method === "DELETE")
        expect((await favorite(bob, roles.prodReadOnly, "DELETE")).status).toBe(200);
    });

    it(`${method} with no Origin header at all → 403 csrf_rejected`, async () => {
      const res = await bob.request(`/api/favorites/${roles.prodReadOnly}`, {
        method,
        headers: { Origin: "" },
      });
      await expectApiError(res, 403, "csrf_rejected");
    });
  }

  for (const method of ["POST", "GET", "PATCH"] as const) {
    it(`${method} → 405 with Allow: PUT, DELETE, OPTIONS, nothing stored (from another site a write is 403 first)`, async () => {
      const res = await bob.request(`/api/favorites/${roles.prodReadOnly}`, { method });
      await expectApiError(res, 405, "method_not_allowed");
      if (method !== "GET") {
        const crossSite = await bob.request(`/api/favorites/${roles.prodReadOnly}`, {
          method,
          headers: { Origin: "https://evil.example" },
        });
        await expectApiError(crossSite, 403, "csrf_rejected");
      }
      expect(res.headers.get("allow")).toBe("PUT, DELETE, OPTIONS");
      expect(await favoriteRows("bob")).toEqual([]);
    });
  }
});

describe("favorites are the user's, kept across sessions", () => {
  it("a star survives signing out and in again, and shows on the new session's page", async () => {
    const first = await signIn(stack, "bob");
    expect((await favorite(first, roles.prodReadOnly, "PUT")).status).toBe(200);
    expect((await signOut(stack, first)).status).toBeLessThan(400);
    expect(
      (await first.request("/api/favorites/" + roles.prodReadOnly, { method: "PUT" })).status,
    ).toBe(401);

    const second = await signIn(stack, "bob");
    expect(await sectionRoleIds(second, "favorite-role")).toEqual([roles.prodReadOnly]);
    expect((await favorite(second, roles.prodReadOnly, "DELETE")).status).toBe(200);
    expect(await sectionRoleIds(second, "favorite-role")).toEqual([]);
  });

  it("alice's page doesn't show bob's stars", async () => {
    expect((await favorite(bob, roles.stagingDeveloper, "PUT")).status).toBe(200);
    const alice = await signIn(stack, "alice");
    expect(await sectionRoleIds(alice, "favorite-role")).toEqual([]);
    expect((await favorite(bob, roles.stagingDeveloper, "DELETE")).status).toBe(200);
  });
});

describe("Recently used follows the audit log of issuances, newest first", () => {
  it("lists each used role once, by its latest console link or credentials", async () => {
    const again = await signIn(stack, "bob");
    const issue = async (roleId: string, output: "console" | "credentials") => {
      const res = await again.request(`/api/roles/${roleId}/${output}`, {
        method: "POST",
        json: {},
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await issue(roles.stagingDeveloper, "credentials");
    await issue(roles.sandboxDeveloper, "console");
    expect((await sectionRoleIds(again, "recent-role")).slice(0, 2)).toEqual([
      roles.sandboxDeveloper,
      roles.stagingDeveloper,
    ]);

    await issue(roles.dataScience, "credentials");
    await issue(roles.stagingDeveloper, "console");
    const recents = await sectionRoleIds(again, "recent-role");
    expect(recents.slice(0, 3)).toEqual([
      roles.stagingDeveloper,
      roles.dataScience,
      roles.sandboxDeveloper,
    ]);
    expect(new Set(recents).size).toBe(recents.length);
  });

  it("a refused request (a role without grant) doesn't count as use", async () => {
    const res = await bob.request(`/api/roles/${roles.prodAdministrator}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(res.status).toBe(404);
    expect(await sectionRoleIds(bob, "recent-role")).not.toContain(roles.prodAdministrator);
  });

  it("another user's issuances don't show in bob's recents", async () => {
    const alice = await signIn(stack, "alice");
    const res = await alice.request(`/api/roles/${roles.prodAdministrator}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(res.status).toBe(200);
    const aliceRecents = await sectionRoleIds(alice, "recent-role");
    expect(aliceRecents[0]).toBe(roles.prodAdministrator);
    expect(await sectionRoleIds(bob, "recent-role")).not.toContain(roles.prodAdministrator);
  });
});
