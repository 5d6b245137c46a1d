// The approver's queue in the browser (docs/ACCESS-REQUESTS.md "Paging and filters"): bob, for
// the developers group, has more requests waiting than one page holds. The page says how many,
// shows one page, pages on with Next and back with First, and narrows to one requester.
import { expect, test } from "./support/hydrated-test";
import { createEligibleRule } from "@/tests/support/eligible-rule";
import { roleIdOf, signedInAs, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();

test("an approver pages through a queue longer than a page and filters it by requester", async ({
  page,
}) => {
  const s = stack();
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");
  const requesters = await s.db.user.findMany({
    where: { email: { in: ["carol@corp.example", "dave@corp.example"] } },
  });
  const now = Date.now();
  for (const who of requesters) {
    const rule = await createEligibleRule(s, { roleId: dataAnalyst, personId: who.personId });
    await s.db.accessRequest.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({
        ruleId: rule.id,
        roleId: dataAnalyst,
        personId: who.personId,
        requesterUserId: who.id,
        requesterEmail: who.email!,
        reason: `${who.email!.split("@")[0]} needs it (${i + 1})`,
        durationSeconds: 3600,
        startsAt: new Date(now),
        decideBy: new Date(now + 24 * 3_600_000),
        createdAt: new Date(now - 3_600_000 + i * 1000),
      })),
    });
  }

  await signedInAs(page, s, "bob");
  await page.goto(`${s.portalUrl}/requests`);
  await expect(page.getByTestId("queue-count")).toHaveText("40 waiting for you");
  await expect(page.getByTestId("decide-request")).toHaveCount(25);
  await page.screenshot({ path: "/tmp/queue-first-page.png", fullPage: true });

  await page.getByTestId("queue-next").click();
  await expect(page.getByTestId("decide-request")).toHaveCount(15);
  await expect(page.getByTestId("queue-next")).toHaveCount(0);
  await page.getByTestId("queue-first").click();
  await expect(page.getByTestId("decide-request")).toHaveCount(25);

  await page.getByTestId("queue-requester").fill("DAVE@corp.example");
  await page.getByTestId("queue-filter").click();
  await expect(page.getByTestId("queue-count")).toHaveText("20 of 40 waiting for you match");
  await expect(page.getByTestId("decide-request")).toHaveCount(20);
  await expect(page.getByTestId("decide-request").first()).toContainText("dave@corp.example");
  await page.screenshot({ path: "/tmp/queue-filtered.png", fullPage: true });

  // Deciding one on a filtered page keeps the filter, and the count follows.
  await page.getByTestId("decide-request").first().getByTestId("decide-deny").click();
  await expect(page.getByTestId("request-done")).toContainText("Denied dave@corp.example");
  await expect(page.getByTestId("queue-count")).toHaveText("19 of 39 waiting for you match");
});
