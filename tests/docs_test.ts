/**
 * The docs page as a new user meets it: every document the page lists is served through the
 * gateway and says where its paths live (`servers`), so each GET it documents reaches its
 * service; and in headless Chromium (Debian's `chromium`, driven by playwright-core), logging in
 * through Authorize and running "Try it out" on the patient list shows a 200 with the demo
 * patients.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { catalog } from "../services/catalog.ts";
import { startHarness } from "./_system.ts";

const JOHN = "123e4567-e89b-12d3-a456-426614174000";
const CHROMIUM = "/usr/bin/chromium";

interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
}

Deno.test("docs page: every listed document's GETs reach their service; Try it out lists patients", async (t) => {
  // Every service: the page lists one document per service the catalog gives a `docs` name.
  const h = await startHarness({ services: catalog.services.map((s) => s.name) });
  try {
    const token = await h.login();
    const init = await (await h.call("/docs/assets/init.js")).text();
    const listed = [...init.matchAll(/"url":"(\/api-docs\/[a-z-]+)"/g)].map((m) => m[1]!);
    // Each service's document, and each route's own (the FHIR paths of three services).
    const documented = catalog.services.flatMap((s) => [
      ...(s.docs ? [`/api-docs/${s.docs}`] : []),
      ...s.routes.flatMap((route) => (route.docs ? [`/api-docs/${route.docs}`] : [])),
    ]);
    assert.deepEqual(listed.toSorted(), documented.toSorted());
    // The eleven documents (patient, auth, billing, analytics, notification, audit, scheduling,
    // clinical, and the FHIR paths of patient, scheduling and clinical), none left out.
    assert.deepEqual(
      listed.toSorted(),
      [
        "analytics",
        "audit",
        "auth",
        "billing",
        "clinical",
        "clinical-fhir",
        "fhir",
        "notifications",
        "patients",
        "scheduling",
        "scheduling-fhir",
      ].map((d) => `/api-docs/${d}`),
    );

    await t.step(
      "each document's GETs, tried the page's way through the gateway, exist",
      async () => {
        for (const url of listed) {
          const res = await h.call(url);
          assert.equal(res.status, 200, url);
          const doc: OpenApiDocument = await res.json();
          const server = doc.servers?.[0]?.url;
          assert.ok(server, `${url} says where its paths live`);
          for (const [path, operations] of Object.entries(doc.paths)) {
            const get = operations.get;
            if (!get) continue;
            const query = (get.parameters ?? []).filter((p) =>
              p.in === "query" && p.name === "patientId"
            )
              .map((p) => `${p.name}=${JOHN}`).join("&");
            const target = `${server.replace(/\/$/, "")}${path.replace(/\{[^}]+\}/g, JOHN)}${
              query ? `?${query}` : ""
            }`;
            const answer = await h.call(target, { token });
            const body = await answer.text();
            const routeMissing = answer.status === 404 && /"message":"Not found"/.test(body);
            assert.ok(!routeMissing, `${url}: GET ${path} → ${target} is not routed (${body})`);
            assert.ok(answer.status < 500, `${url}: GET ${target} → ${answer.status}`);
          }
        }
      },
    );

    await t.step("in Chromium: Authorize, then Try it out on the patient list → 200", async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on("pageerror", (error) => problems.push(error.message));
        await page.goto(`${h.gateway}/docs`);
        await page.locator(".opblock-summary-path[data-path='/patients']").first().waitFor();
        await page.locator("button.authorize").first().click();
        await page.locator(".auth-container input").first().fill(token);
        await page.locator(".auth-btn-wrapper button.authorize").first().click();
        await page.locator(".auth-btn-wrapper button.btn-done").first().click();
        const list = page.locator(".opblock-get", {
          has: page.locator(".opblock-summary-path[data-path='/patients']"),
        }).first();
        await list.locator(".opblock-summary").click();
        await list.locator("button.try-out__btn").click();
        await list.locator("button.execute").click();
        const status = list.locator(".live-responses-table .response .response-col_status")
          .first();
        await status.waitFor();
        assert.equal((await status.textContent())?.trim(), "200");
        const body = await list.locator(".live-responses-table .response-col_description pre")
          .first().textContent();
        assert.match(body ?? "", /John Doe/);
        assert.deepEqual(problems, []);
      } finally {
        await browser.close();
      }
    });
  } finally {
    await h.system.stop();
  }
});
