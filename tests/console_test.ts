// deno-lint-ignore-file no-explicit-any
/**
 * The staff console in a real browser (Debian's Chromium driven by playwright-core) against the
 * whole system: front desk registers a patient and books them; a clinician opens the encounter,
 * records vitals, writes and signs a note; billing issues an invoice and takes a payment; an
 * auditor finds the disclosures and verifies the chain; an edit conflict is resolved field by
 * field; a restricted record offers break-glass. Each screen is checked with axe-core (no serious
 * or critical violation) and photographed (into docs/console/ with `deno task screenshots`); the
 * page must raise no error and no Content-Security-Policy violation (Chromium reports both on the
 * console), and keep no token in storage.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { DEMO_USERS, type DemoRole, loginEveryRole, newPatient, startHarness } from "./_system.ts";

const SERVICES = [
  "auth",
  "patient",
  "billing",
  "audit",
  "scheduling",
  "clinical",
  "notification",
  "gateway",
];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const SHOTS = new URL("../docs/console/", import.meta.url);
const SAVE_SHOTS = Deno.env.get("CONSOLE_SCREENSHOTS") === "1";

Deno.test("console: the clinic's journeys in Chromium, accessible, under a strict CSP", async (t) => {
  const h = await startHarness({ services: SERVICES });
  let browser: Browser | undefined;
  try {
    const { tokens, ids } = await loginEveryRole(h);
    const api = async (method: string, path: string, body: unknown, token = tokens.ADMIN) => {
      const res = await h.call(path, { method, token, body });
      const text = await res.text();
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    await api("POST", "/api/schedules", {
      name: "Dr Console",
      kind: "PRACTITIONER",
      practitionerId: ids.CLINICIAN,
      // West of UTC, open late: its day's last hours fall on the next day in UTC, and the
      // console still shows them on its day.
      timeZone: "America/Los_Angeles",
      slotMinutes: 30,
      availability: WEEK.map((weekday) => ({ weekday, start: "16:00", end: "20:00" })),
    });

    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
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
    const problems: string[] = [];
    const open = async (role: DemoRole, width = 1280): Promise<Page> => {
      const context = await browser!.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      page.on("pageerror", (error) => problems.push(`${role}: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error" && !/400|401|403|404|409|412/.test(message.text())) {
          problems.push(`${role} console: ${message.text()}`);
        }
      });
      await page.goto(`${h.gateway}/app`);
      const [email, password] = DEMO_USERS[role];
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("#who").getByRole("button", { name: "Sign out" }).waitFor();
      return page;
    };
    const heading = async (page: Page, text: string | RegExp) =>
      await page.getByRole("heading", { level: 1, name: text }).waitFor();
    const check = async (page: Page, name: string) => {
      await page.evaluate(axe.source);
      const result: any = await page.evaluate(() =>
        (globalThis as any).axe.run((globalThis as any).document, {
          resultTypes: ["violations"],
        })
      );
      const serious = result.violations.filter((v: any) =>
        v.impact === "serious" || v.impact === "critical"
      ).map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`);
      assert.deepEqual(serious, [], `${name}: accessibility`);
      // `deno task screenshots` writes them into docs/console/; a plain run leaves the tree alone.
      await page.screenshot({
        fullPage: true,
        ...(SAVE_SHOTS && { path: new URL(`${name}.png`, SHOTS).pathname }),
      });
      const stored = await page.evaluate(() =>
        (globalThis as any).localStorage.length + (globalThis as any).sessionStorage.length
      );
      assert.equal(stored, 0, `${name}: nothing in storage`);
      assert.ok(!page.url().includes("token"), `${name}: no token in the URL`);
    };
    const patient = newPatient();
    let patientId = "";

    await t.step("the page: strict CSP, nothing from elsewhere, 404 for no file", async () => {
      const res = await fetch(`${h.gateway}/app`);
      const csp = res.headers.get("content-security-policy") ?? "";
      await res.body?.cancel();
      assert.equal(res.status, 200);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const missing = await fetch(`${h.gateway}/app/assets/constructor`);
      await missing.body?.cancel();
      assert.equal(missing.status, 404);
    });

    await t.step("front desk registers a patient and books them", async () => {
      const page = await open("FRONT_DESK");
      await heading(page, "Patients");
      await check(page, "patients");
      await page.getByRole("button", { name: "Register a patient" }).click();
      await heading(page, "Register a patient");
      // The API's field messages show beside the fields.
      await page.getByRole("button", { name: "Register" }).click();
      await page.locator(".field-error", { hasText: /required/i }).first().waitFor();
      await check(page, "register");
      await page.getByLabel("Name").fill(patient.name);
      await page.getByLabel("Email").fill(patient.email);
      await page.getByLabel("Address").fill(patient.address);
      await page.getByLabel("Date of birth").fill(patient.dateOfBirth);
      await page.getByLabel("Registered").fill(patient.registeredDate);
      await page.getByRole("button", { name: "Register" }).click();
      await heading(page, patient.name);
      patientId = page.url().split("/").pop()!;
      await check(page, "patient");
      // The lookup: each word given is the start of a word of the name, in any case.
      await page.goto(`${h.gateway}/app#/patients`);
      await heading(page, "Patients");
      const prefixes = patient.name.split(" ").map((word) => word.slice(0, 3).toLowerCase());
      await page.getByLabel("Name").fill(prefixes.join(" "));
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("link", { name: patient.name }).first().waitFor();
      await page.getByRole("link", { name: "Schedule" }).click();
      await heading(page, "Schedule");
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel("Date").fill(tomorrow);
      await page.getByRole("button", { name: "Show", exact: true }).click();
      await page.getByRole("button", { name: /^Book / }).first().click();
      await heading(page, /^Book /);
      await page.getByLabel("Patient name or email").fill(patient.email);
      await page.getByRole("button", { name: "Find" }).click();
      await page.getByRole("button", { name: `Book ${patient.name} (${patient.dateOfBirth})` })
        .click();
      await heading(page, "Schedule");
      await page.getByLabel("Date").fill(tomorrow);
      await page.getByRole("button", { name: "Show", exact: true }).click();
      await page.getByRole("cell", { name: "BOOKED" }).first().waitFor();
      await check(page, "schedule");
      const booked = await api("GET", `/api/appointments?patientId=${patientId}`, undefined);
      assert.equal(booked.length, 1);
      await page.context().close();
    });

    await t.step(
      "a clinician opens the encounter, records vitals, writes and signs a note",
      async () => {
        const page = await open("CLINICIAN");
        await page.goto(`${h.gateway}/app#/patients/${patientId}`);
        await heading(page, patient.name);
        await page.getByRole("button", { name: "Start an encounter" }).click();
        await heading(page, /^Encounter /);
        await page.getByLabel("Vital sign", { exact: true }).selectOption("8867-4");
        await page.getByLabel("Value").fill("72");
        await page.getByRole("button", { name: "Record" }).click();
        await page.getByRole("cell", { name: "72 /min" }).waitFor();
        await page.getByLabel("Subjective").fill("Headache for two days");
        await page.getByLabel("Assessment").fill("Tension headache");
        await page.getByRole("button", { name: "Save draft" }).click();
        await page.getByRole("button", { name: "Sign the note" }).click();
        await page.getByRole("heading", { level: 3, name: /^SIGNED note/ }).waitFor();
        await page.getByLabel("Addendum", { exact: true }).fill("Called back: better");
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByText("Addendum: Called back: better").waitFor();
        await check(page, "encounter");
        await page.context().close();
      },
    );

    await t.step("billing issues an invoice and takes a payment", async () => {
      await api("POST", `/api/billing/accounts/${patientId}/charges`, {
        code: "99213",
        description: "Office visit",
        amount: { amount: 12500, currency: "USD" },
        serviceDate: new Date().toISOString().slice(0, 10),
      }, tokens.BILLING);
      const page = await open("BILLING");
      await page.goto(`${h.gateway}/app#/billing/${patientId}`);
      await heading(page, "Billing");
      await page.getByRole("button", { name: "Invoice these charges" }).click();
      await page.getByRole("button", { name: "Issue the invoice" }).click();
      await page.getByLabel("Amount (cents)").fill("12500");
      await page.getByRole("button", { name: "Take payment" }).click();
      await page.getByRole("heading", { level: 3, name: /PAID/ }).waitFor();
      await check(page, "billing");
      // The patient's page lists the invoice too.
      await page.goto(`${h.gateway}/app#/patients/${patientId}`);
      await page.getByRole("heading", { level: 2, name: "Invoices" }).waitFor();
      await page.getByRole("cell", { name: "PAID" }).first().waitFor();
      await page.context().close();
    });

    await t.step("an edit conflict is shown and resolved by the user", async () => {
      const page = await open("FRONT_DESK");
      await page.goto(`${h.gateway}/app#/patients/${patientId}`);
      await heading(page, patient.name);
      // Someone else saves first.
      await api("PUT", `/api/patients/${patientId}`, { ...patient, name: `${patient.name} Jr` });
      const edit = page.getByRole("form", { name: "Edit patient" });
      await edit.getByLabel("Address").fill("2 New Street");
      await edit.getByRole("button", { name: "Save" }).click();
      await heading(page, "Edit conflict");
      await check(page, "conflict");
      await page.getByRole("radio", { name: "Yours: 2 New Street" }).check();
      await page.getByRole("button", { name: "Save my choice" }).click();
      await heading(page, `${patient.name} Jr`);
      const saved = await api("GET", `/api/patients/${patientId}`, undefined);
      assert.equal(saved.address, "2 New Street");
      assert.equal(saved.name, `${patient.name} Jr`);
      await page.context().close();
    });

    await t.step("an auditor finds the disclosures and verifies the chain", async () => {
      const page = await open("AUDITOR");
      await heading(page, "Audit trail");
      await page.getByLabel("Patient id for disclosures").fill(patientId);
      await page.getByRole("button", { name: "Show disclosures" }).click();
      await page.getByRole("cell", { name: "patient.read" }).first().waitFor();
      await page.getByRole("button", { name: "Verify the chain" }).click();
      await page.locator("#verify-result").waitFor();
      await check(page, "audit");
      await page.context().close();
    });

    await t.step("a restricted record offers break-glass; the grant is reviewed", async () => {
      await api("PUT", `/api/patients/${patientId}/restriction`, {
        allowedUserIds: [ids.CLINICIAN],
        reason: "Member of staff",
      });
      const page = await open("ADMIN", 768);
      await page.goto(`${h.gateway}/app#/patients/${patientId}`);
      await heading(page, "Restricted record");
      await check(page, "break-glass");
      await page.getByLabel("Justification (20 to 1,000 characters)").fill(
        "Patient unconscious in the waiting room",
      );
      await page.getByRole("button", { name: "Break the glass" }).click();
      await heading(page, new RegExp(`^${patient.name}`));
      await page.context().close();
      const auditor = await open("AUDITOR");
      await auditor.getByRole("link", { name: "Break-glass review" }).click();
      await heading(auditor, "Break-glass review");
      // The grant reaches the audit trail through Kafka: the queue is read again until it shows.
      for (let i = 0; i < 30 && await auditor.getByLabel("Review note").count() === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await auditor.getByRole("link", { name: "Audit trail" }).click();
        await auditor.getByRole("link", { name: "Break-glass review" }).click();
      }
      await auditor.getByLabel("Review note").first().fill("Justified: emergency");
      await auditor.getByRole("button", { name: "Record review" }).first().click();
      await auditor.getByText("Review recorded.").waitFor();
      await check(auditor, "break-glass-queue");
      await auditor.context().close();
    });

    await t.step("staff accounts for ADMIN; sign-out ends the session", async () => {
      const page = await open("ADMIN");
      await page.getByRole("link", { name: "Staff" }).click();
      await heading(page, "Staff");
      await check(page, "staff");
      await page.locator("#who").getByRole("button", { name: "Sign out" }).click();
      await heading(page, "Sign in");
      await page.context().close();
    });

    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    await h.system.stop();
  }
});
