/**
 * The demo identity providers' users and the portal groups they belong to: read by the OIDC and
 * SAML stand-ins, the seed and the tests (the demo world, dev/demo-world.ts, grants them access).
 *
 * Every password here is a throwaway for local demos and tests; none is valid anywhere.
 */

export interface DemoUser {
  username: string;
  password: string;
  /** The IdP's stable subject: never reused, never the email. */
  subject: string;
  email: string;
  name: string;
  groups: string[];
}

export const ADMIN_GROUP = "gatehouse-admins";
/** Members read the audit log and review access, and change nothing (GATEHOUSE_AUDITOR_GROUP). */
export const AUDITOR_GROUP = "gatehouse-auditors";

export const demoUsers: DemoUser[] = [
  {
    username: "alice",
    password: "alice-demo-password",
    subject: "6f1c2a8e-0d1b-4c5e-9a3f-a11ce0000001",
    email: "alice@corp.example",
    name: "Alice Admin",
    groups: [ADMIN_GROUP, "developers"],
  },
  {
    username: "bob",
    password: "bob-demo-password",
    subject: "0b0b0b0b-7e57-4b0b-8b0b-b0b000000002",
    email: "bob@corp.example",
    name: "Bob Builder",
    groups: ["developers"],
  },
  {
    username: "carol",
    password: "carol-demo-password",
    subject: "ca201000-1111-4c4c-9c9c-ca2010000003",
    email: "carol@corp.example",
    name: "Carol Newhire",
    groups: [],
  },
  {
    username: "dave",
    password: "dave-demo-password",
    subject: "da7e0000-a0d1-4a0d-9d1e-da7e00000004",
    email: "dave@corp.example",
    name: "Dave Auditor",
    groups: [AUDITOR_GROUP],
  },
];
