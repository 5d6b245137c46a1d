import { randomBytes, timingSafeEqual } from "node:crypto";

import type { DemoUser } from "../demo-users";
import type { IssuedNameIdFormat } from "./authn-request";

/** Signed in at the IdP: a later AuthnRequest within this time skips the password. */
export const SESSION_TTL_SECONDS = 60 * 60;
/** Time to type a password after an application sent the user here. */
export const INTERACTION_TTL_SECONDS = 10 * 60;
// Bounds memory however many sign-ins are started and abandoned; the oldest go first.
const MAX_ENTRIES = 10_000;

export interface IdpSession {
  user: DemoUser;
  authenticatedAt: Date;
  /** AuthnStatement SessionIndex: one per IdP session, as a real IdP does. */
  sessionIndex: string;
  /** The user also passed the code step at sign-in. */
  mfa: boolean;
}

/** What the user was doing when the IdP asked for their password. */
export type PendingSignIn =
  | {
      kind: "sso";
      appId: string;
      requestId: string;
      nameIdFormat: IssuedNameIdFormat;
      relayState?: string;
      /** From RequestedAuthnContext: the class ref to issue (undefined: by how the user signed in). */
      authnContextClassRef?: string;
      /** The requested context needs the code step. */
      needsMfa: boolean;
    }
  | { kind: "start"; appId: string; relayState?: string }
  | { kind: "dashboard" };

export interface Interaction {
  uid: string;
  pending: PendingSignIn;
  /** Set once the password was right and the sign-in waits for its code. */
  passwordVerified?: { user: DemoUser; attempts: number };
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** A Map whose entries expire, capped in size. */
class ExpiringMap<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  set(key: string, value: T): void {
    const now = this.now();
    // One TTL and fresh keys: insertion order is expiry order, so expired entries sit at the front.
    for (const [k, entry] of this.#entries) {
      if (entry.expiresAt > now && this.#entries.size < MAX_ENTRIES) break;
      this.#entries.delete(k);
    }
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + this.ttlSeconds * 1000 });
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Deletes every live entry `matches` accepts; returns their keys. */
  deleteWhere(matches: (value: T) => boolean): string[] {
    const now = this.now();
    const deleted: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now && matches(entry.value)) deleted.push(key);
    }
    for (const key of deleted) this.#entries.delete(key);
    return deleted;
  }
}

function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** IdP sessions, keyed by an unguessable cookie value. */
export class SessionStore {
  readonly #sessions: ExpiringMap<IdpSession>;

  constructor(now: () => number = Date.now) {
    this.#sessions = new ExpiringMap(SESSION_TTL_SECONDS, now);
  }

  /** Always a new id, so a cookie planted before sign-in never becomes a session (fixation). */
  create(user: DemoUser, opts: { mfa: boolean }): { id: string; session: IdpSession } {
    const id = randomToken();
    const session = {
      user,
      authenticatedAt: new Date(),
      sessionIndex: `_${randomBytes(16).toString("hex")}`,
      mfa: opts.mfa,
    };
    this.#sessions.set(id, session);
    return { id, session };
  }

  find(id: string | undefined): IdpSession | undefined {
    return id ? this.#sessions.get(id) : undefined;
  }

  delete(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  /** Ends every session `matches` accepts (single logout); returns how many ended. */
  endWhere(matches: (session: IdpSession) => boolean): number {
    return this.#sessions.deleteWhere(matches).length;
  }
}

/**
 * Sign-ins waiting for a password. Each is bound to the browser that started it by a secret in a
 * cookie scoped to its own path, so a login form posted for it from elsewhere finds nothing.
 */
export class InteractionStore {
  readonly #interactions: ExpiringMap<Interaction & { secret: Buffer }>;

  constructor(now: () => number = Date.now) {
    this.#interactions = new ExpiringMap(INTERACTION_TTL_SECONDS, now);
  }

  /** Returns the interaction and the secret for its cookie. */
  start(pending: PendingSignIn): { interaction: Interaction; secret: string } {
    const uid = randomBytes(16).toString("base64url");
    const secret = randomToken();
    const interaction = { uid, pending };
    this.#interactions.set(uid, { ...interaction, secret: Buffer.from(secret) });
    return { interaction, secret };
  }

  /** The interaction, when it exists and `secret` (from the cookie) is its own. */
  find(uid: string, secret: string | undefined): Interaction | undefined {
    const entry = this.#interactions.get(uid);
    if (!entry || secret === undefined) return undefined;
    const given = Buffer.from(secret);
    if (given.length !== entry.secret.length || !timingSafeEqual(given, entry.secret))
      return undefined;
    return {
      uid: entry.uid,
      pending: entry.pending,
      ...(entry.passwordVerified ? { passwordVerified: entry.passwordVerified } : {}),
    };
  }

  /** Records that the password was right; the code step follows (attempts counted here). */
  markPasswordVerified(uid: string, user: DemoUser): void {
    const entry = this.#interactions.get(uid);
    if (entry) entry.passwordVerified = { user, attempts: 0 };
  }

  /** Single use: a finished or cancelled interaction can't be finished again. */
  delete(uid: string): void {
    this.#interactions.delete(uid);
  }
}
