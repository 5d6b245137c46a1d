import { escapeXml } from "./response-template";
import { BUILT_IN_ATTRIBUTES } from "./response";
import type { StartSamlIdpOptions } from "./server";

/**
 * Checks startSamlIdp's options (defaults already applied) before anything listens.
 *
 * @throws TypeError naming the first problem.
 */
export function validateOptions(
  options: StartSamlIdpOptions & {
    port: number;
    publicHost: string;
    groupsAttribute: string;
    title: string;
    sessionNotOnOrAfterSeconds: number;
    signResponse: boolean;
  },
): void {
  const fail = (message: string): never => {
    throw new TypeError(`startSamlIdp: ${message}`);
  };
  const { port, publicHost, groupsAttribute, title, sessionNotOnOrAfterSeconds, users, apps } =
    options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`port must be an integer from 0 to 65535, got ${port}`);
  if (!/^[A-Za-z0-9.-]+$/.test(publicHost))
    fail(`publicHost must be a bare host name, got ${JSON.stringify(publicHost)}`);
  if (!groupsAttribute || (BUILT_IN_ATTRIBUTES as readonly string[]).includes(groupsAttribute)) {
    fail(
      `groupsAttribute ${JSON.stringify(groupsAttribute)} is empty or one of ${BUILT_IN_ATTRIBUTES.join(", ")}`,
    );
  }
  if (!title.trim()) fail("title must not be empty");
  if (!Number.isInteger(sessionNotOnOrAfterSeconds) || sessionNotOnOrAfterSeconds < 60) {
    fail(
      `sessionNotOnOrAfterSeconds must be an integer of at least 60, got ${sessionNotOnOrAfterSeconds}`,
    );
  }
  if (typeof options.signResponse !== "boolean") fail("signResponse must be a boolean");

  if (users.length === 0) fail("users must not be empty");
  const usernames = new Set<string>();
  const subjects = new Set<string>();
  for (const user of users) {
    if (!user.username || !user.password || !user.subject || !user.email || !user.name) {
      fail("every user needs a username, a password, a subject, an email and a name");
    }
    for (const value of [user.email, user.name, user.subject, ...user.groups]) {
      if (!isXmlSafe(value)) fail(`user ${user.username} has a value XML 1.0 cannot carry`);
    }
    if (usernames.has(user.username)) fail(`duplicate username ${user.username}`);
    if (subjects.has(user.subject)) fail(`duplicate subject ${user.subject}`);
    usernames.add(user.username);
    subjects.add(user.subject);
  }

  if (apps.length === 0) fail("apps must not be empty");
  const ids = new Set<string>();
  const entityIds = new Set<string>();
  for (const app of apps) {
    if (!/^[\w.-]{1,64}$/.test(app.id) || ids.has(app.id)) {
      fail(`app ids must be unique and match [\\w.-]{1,64}, got ${JSON.stringify(app.id)}`);
    }
    ids.add(app.id);
    if (!app.name.trim()) fail(`app ${app.id} needs a name`);
    if (!app.spEntityId || entityIds.has(app.spEntityId)) {
      fail(
        `app ${app.id}: spEntityId must be unique and non-empty, got ${JSON.stringify(app.spEntityId)}`,
      );
    }
    entityIds.add(app.spEntityId);
    for (const [field, value] of [
      ["acsUrl", app.acsUrl],
      ["recipientOverride", app.recipientOverride],
      ["destinationOverride", app.destinationOverride],
      ["sloUrl", app.sloUrl],
    ] as const) {
      if (value === undefined) continue;
      const parsed = URL.parse(value);
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hash) {
        fail(`app ${app.id} has an invalid ${field} ${JSON.stringify(value)}`);
      }
    }
    if (app.audienceOverride !== undefined && !app.audienceOverride)
      fail(`app ${app.id}: audienceOverride is empty`);
    if (typeof app.allowIdpInitiated !== "boolean")
      fail(`app ${app.id}: allowIdpInitiated must be a boolean`);
  }
}

function isXmlSafe(value: string): boolean {
  try {
    escapeXml(value);
    return true;
  } catch {
    return false;
  }
}
