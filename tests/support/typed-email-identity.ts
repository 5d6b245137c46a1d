// An identity whose IdP sent an email it did not verify (someone typed it), a person of its own,
// beside the demo users; for the rule that such an email names nobody (docs/SECURITY.md).
import type { TestStack } from "./stack";

export async function createTypedEmailIdentity(stack: TestStack, email: string) {
  const { issuer } = await stack.db.user.findFirstOrThrow({
    where: { email: "alice@corp.example" },
  });
  const user = await stack.db.user.create({
    data: {
      issuer,
      subject: "erin-typed-email",
      email,
      emailVerified: false,
      roleSessionName: "erin-typed-email",
      person: { create: {} },
    },
  });
  return {
    user,
    issuer,
    async remove() {
      await stack.db.user.delete({ where: { id: user.id } });
      await stack.db.person.delete({ where: { id: user.personId } });
    },
  };
}
