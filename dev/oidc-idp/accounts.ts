import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import type { DemoUser } from "../demo-users";

/** Standard claims the IdP always issues; a custom groups claim must not shadow one of them. */
export const STANDARD_CLAIMS = [
  "sub",
  "email",
  "email_verified",
  "name",
  "preferred_username",
] as const;

export interface UserClaims {
  sub: string;
  email: string;
  email_verified: true;
  name: string;
  preferred_username: string;
  /** The groups claim, under the configured name. */
  [claim: string]: unknown;
}

// Compared against when the username is unknown, so a miss costs the same hash-and-compare as a hit.
const UNKNOWN_USER_DIGEST = digest(randomBytes(32).toString("base64url"));

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** The demo users, looked up by username (login) or by subject (token and userinfo claims). */
export class UserDirectory {
  readonly #byUsername = new Map<string, DemoUser>();
  readonly #bySubject = new Map<string, DemoUser>();

  /** @throws TypeError when the list is empty or a username or subject repeats. */
  constructor(users: readonly DemoUser[]) {
    if (users.length === 0) throw new TypeError("startOidcIdp: users must not be empty");
    for (const user of users) {
      if (!user.username || !user.subject || !user.password) {
        throw new TypeError("startOidcIdp: every user needs a username, a subject and a password");
      }
      if (this.#byUsername.has(user.username)) {
        throw new TypeError(`startOidcIdp: duplicate username ${user.username}`);
      }
      if (this.#bySubject.has(user.subject)) {
        throw new TypeError(`startOidcIdp: duplicate subject ${user.subject}`);
      }
      this.#byUsername.set(user.username, user);
      this.#bySubject.set(user.subject, user);
    }
  }

  get usernames(): string[] {
    return [...this.#byUsername.keys()];
  }

  findBySubject(subject: string): DemoUser | undefined {
    return this.#bySubject.get(subject);
  }

  /**
   * Checks a username and password. Passwords are compared as SHA-256 digests with
   * `timingSafeEqual` (equal lengths whatever the input), and an unknown username still pays for
   * one comparison, so timing reveals neither how much of a password matched nor, beyond noise,
   * whether the user exists. Returns the user, or undefined without saying which part was wrong.
   */
  verifyCredentials(username: string, password: string): DemoUser | undefined {
    const user = this.#byUsername.get(username);
    const expected = user ? digest(user.password) : UNKNOWN_USER_DIGEST;
    const matches = timingSafeEqual(digest(password), expected);
    return user && matches ? user : undefined;
  }
}

/**
 * Every claim the IdP can say about a user; oidc-provider keeps only those the granted scopes
 * cover (openid → sub, email → email + email_verified, profile → name + preferred_username,
 * groups → the groups claim). Groups are copied so a caller can't mutate the directory.
 */
export function claimsFor(user: DemoUser, groupsClaim: string): UserClaims {
  return {
    sub: user.subject,
    email: user.email,
    email_verified: true,
    name: user.name,
    preferred_username: user.username,
    [groupsClaim]: [...user.groups],
  };
}
