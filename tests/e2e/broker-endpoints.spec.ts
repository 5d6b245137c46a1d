// The Broker page names each STS endpoint by the region it stands for — as GATEHOUSE_STS_ENDPOINTS
// (`<region>=<URL>`) and the demo's start-up message do — in the order the portal tries them, with
// its URL underneath, on a desktop and on a phone.
import { expect, test } from "./support/hydrated-test";
import { signedInAs, startStackPerFile } from "./support/e2e-stack";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
let endpointUrls: string[] = [];

const stack = startStackPerFile({
  stack: {
    stsEndpointNames: REGIONS,
    envFromAws: (aws) => {
      endpointUrls = REGIONS.map((r) => aws.stsEndpoints[r]!.replace(/\/+$/, ""));
      return Promise.resolve({
        GATEHOUSE_STS_ENDPOINT: "",
        GATEHOUSE_STS_ENDPOINTS: REGIONS.map((r, i) => `${r}=${endpointUrls[i]}`).join(","),
      });
    },
  },
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`the Broker page names the STS endpoints by region, in the order tried, with their URLs (${viewport.width} px)`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    const s = stack();
    await signedInAs(page, s, "alice");
    await page.goto(`${s.portalUrl}/admin/broker`);
    const rows = page.getByTestId("endpoint-row");
    await expect(rows).toHaveCount(REGIONS.length);
    await expect(page.getByTestId("endpoint-name")).toHaveText(REGIONS);
    for (const [i, url] of endpointUrls.entries()) await expect(rows.nth(i)).toContainText(url);
    const widths = await page.evaluate(() => ({
      content: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
    }));
    expect(widths.content, "the page itself never scrolls sideways").toBeLessThanOrEqual(
      widths.window,
    );
  });
}
