/**
 * Billing through the gateway on real processes, PostgreSQL, Kafka and SMTP: charges, invoices
 * (draft, change, issue, void), payments (partial, over, idempotent, 50 at once), statements;
 * the ledger's invariants after every scenario; money validated; events consumed once by
 * analytics (revenue exact) and notification (one INVOICE mail per issued invoice).
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { decodeBillingEvent } from "@pms/events";
import { startSmtpSink } from "@pms/testing";
import { eventually, newPatient, startHarness } from "./_system.ts";

const ALL = ["auth", "billing", "patient", "analytics", "notification", "gateway"];
const USD = (amount: number) => ({ amount, currency: "USD" });
const today = () => new Date().toISOString().slice(0, 10);

interface Invoice {
  id: string;
  number: string | null;
  status: string;
  total: { amount: number };
  paid: { amount: number };
  due: { amount: number };
  lines: { id: string }[];
  payments: { id: string }[];
}

/** For every account, balance = Σ receivable entries; every transaction sums to zero. */
async function assertLedger(sql: postgres.Sql) {
  const off = [...await sql`select * from ledger_balance_check where balance <> entries`];
  assert.deepEqual(off, [], "maintained balances equal the sum of their entries");
  const unbalanced = [
    ...await sql`
    select transaction_id, currency, sum(amount)::text from ledger_entries
    group by transaction_id, currency having sum(amount) <> 0`,
  ];
  assert.deepEqual(unbalanced, [], "every transaction sums to zero");
}

Deno.test("billing: charges, invoices, payments, statement, events, on a balanced ledger", async (t) => {
  const sink = await startSmtpSink();
  const h = await startHarness({ services: ALL, smtpUrl: sink.url });
  const sql = postgres(h.system.databaseUrls.billing!, { max: 2, onnotice: () => {} });
  try {
    const login = async (email: string, password = "demo-password-2026") =>
      (await (await h.call("/auth/login", { method: "POST", body: { email, password } })).json())
        .token as string;
    const token = await login("billing@test.com");
    const admin = await h.login();
    const clinician = await login("clinician@test.com");
    const call = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
      h.call(`/api/billing${path}`, {
        method: init.method,
        token,
        body: init.body,
        headers: init.key ? { "Idempotency-Key": init.key } : {},
      });
    const json = async (res: Response, status: number) => {
      const text = await res.text();
      assert.equal(res.status, status, text);
      return text ? JSON.parse(text) : undefined;
    };
    const newAccount = async () => {
      const patient = newPatient();
      const res = await h.call("/api/patients", { method: "POST", token: admin, body: patient });
      const { id } = await json(res, 201);
      await eventually("billing account", async () => {
        const r = await call(`/accounts/${id}`);
        return r.status === 200 ? await r.json() : (await r.body?.cancel(), undefined);
      });
      return { id: id as string, email: patient.email };
    };
    const charge = async (patientId: string, amount: number, serviceDate = today()) =>
      (await json(
        await call(`/accounts/${patientId}/charges`, {
          method: "POST",
          body: { code: "99213", description: "Office visit", amount: USD(amount), serviceDate },
        }),
        201,
      )).id as string;
    const draft = async (patientId: string, chargeIds: string[]) =>
      await json(
        await call(`/accounts/${patientId}/invoices`, { method: "POST", body: { chargeIds } }),
        201,
      ) as Invoice;
    const issue = async (id: string) =>
      await json(await call(`/invoices/${id}/issue`, { method: "POST" }), 200) as Invoice;
    const pay = (id: string, amount: number, key: string = crypto.randomUUID(), method = "CARD") =>
      call(`/invoices/${id}/payments`, {
        method: "POST",
        key,
        body: { amount: USD(amount), method },
      });
    const account = async (patientId: string) =>
      await json(await call(`/accounts/${patientId}`), 200);

    const p = await newAccount();
    let c1 = "", c2 = "", c3 = "";
    let invoice: Invoice;

    await t.step("a new account: USD, nothing owed, nothing unbilled", async () => {
      const a = await account(p.id);
      assert.deepEqual(
        { ...a, accountId: undefined },
        {
          accountId: undefined,
          patientId: p.id,
          status: "ACTIVE",
          currency: "USD",
          balance: USD(0),
          unbilled: USD(0),
        },
      );
    });

    await t.step(
      "charges: 201 with the contract's fields, listed newest service date first",
      async () => {
        const res = await call(`/accounts/${p.id}/charges`, {
          method: "POST",
          body: {
            code: "99214",
            description: "Office visit, 30 min",
            amount: USD(12_500),
            serviceDate: "2026-01-15",
          },
        });
        const body = await json(res, 201);
        assert.deepEqual(Object.keys(body).sort(), [
          "amount",
          "code",
          "createdAt",
          "description",
          "id",
          "invoiceId",
          "patientId",
          "serviceDate",
        ]);
        assert.deepEqual(body.amount, USD(12_500));
        assert.equal(body.invoiceId, null);
        assert.equal(body.patientId, p.id);
        c1 = body.id;
        c2 = await charge(p.id, 4_000, "2026-03-01");
        c3 = await charge(p.id, 1_000, "2026-02-01");
        const list = await call(`/accounts/${p.id}/charges?size=2`);
        assert.equal(list.headers.get("X-Total-Count"), "3");
        assert.deepEqual((await json(list, 200)).map((c: { id: string }) => c.id), [c2, c3]);
        assert.deepEqual((await account(p.id)).unbilled, USD(17_500));
      },
    );

    await t.step(
      "a charge right after a create finds the account: no gap, one account",
      async () => {
        const res = await h.call("/api/patients", {
          method: "POST",
          token: admin,
          body: newPatient(),
        });
        const { id } = await json(res, 201);
        // At once: the account's request from the patient service may not have arrived yet.
        await charge(id, 1_000);
        const first = await account(id);
        assert.deepEqual(first.unbilled, USD(1_000));
        await new Promise((r) => setTimeout(r, 1_000));
        assert.equal((await account(id)).accountId, first.accountId, "the same account after it");
      },
    );

    await t.step("money and fields are validated: 400 naming the field", async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ amount: { amount: 12.5, currency: "USD" } }, "amount"],
        [{ amount: { amount: -1, currency: "USD" } }, "amount"],
        [{ amount: { amount: 0, currency: "USD" } }, "amount"],
        [{ amount: { amount: 1_000_000_000_001, currency: "USD" } }, "amount"],
        [{ amount: { amount: "100", currency: "USD" } }, "amount"],
        [{ amount: 100 }, "amount"],
        [{ amount: { amount: 100, currency: "EUR" } }, "amount"],
        [{ amount: { amount: 100, currency: "XYZ" } }, "amount"],
        [{ serviceDate: "2999-01-01" }, "serviceDate"],
        [{ serviceDate: "2026-02-30" }, "serviceDate"],
        [{ code: "x".repeat(21) }, "code"],
        [{ description: "" }, "description"],
        [{ code: undefined }, "code"],
      ];
      for (const [change, field] of bad) {
        const body = {
          code: "99213",
          description: "Visit",
          amount: USD(100),
          serviceDate: today(),
          ...change,
        };
        const res = await call(`/accounts/${p.id}/charges`, { method: "POST", body });
        const answer = await json(res, 400);
        assert.equal(
          typeof answer[field],
          "string",
          `${JSON.stringify(change)}: ${JSON.stringify(answer)}`,
        );
      }
      const unknown = await call(`/accounts/${crypto.randomUUID()}/charges`, {
        method: "POST",
        body: { code: "1", description: "x", amount: USD(1), serviceDate: today() },
      });
      assert.deepEqual(await json(unknown, 404), { message: "Billing account not found" });
      await assertLedger(sql);
    });

    await t.step(
      "a draft invoice of charges; a charge on two invoices → 409; PATCH a draft",
      async () => {
        const res = await call(`/accounts/${p.id}/invoices`, {
          method: "POST",
          body: { chargeIds: [c1, c2] },
        });
        invoice = await json(res, 201);
        assert.equal(res.headers.get("Location"), `/api/billing/invoices/${invoice.id}`);
        assert.equal(invoice.status, "DRAFT");
        assert.equal(invoice.number, null);
        assert.deepEqual(invoice.total, USD(16_500));
        assert.deepEqual(invoice.due, USD(16_500));
        assert.equal(invoice.lines.length, 2);
        const twice = await call(`/accounts/${p.id}/invoices`, {
          method: "POST",
          body: { chargeIds: [c2, c3] },
        });
        assert.deepEqual(await json(twice, 409), { message: "Charge is already on an invoice" });
        for (
          const chargeIds of [[], [c3, c3], ["nope"], [crypto.randomUUID()], Array(101).fill(c3)]
        ) {
          const r = await call(`/accounts/${p.id}/invoices`, {
            method: "POST",
            body: { chargeIds },
          });
          assert.equal(typeof (await json(r, 400)).chargeIds, "string", JSON.stringify(chargeIds));
        }
        const patched = await json(
          await call(`/invoices/${invoice.id}`, { method: "PATCH", body: { chargeIds: [c1, c3] } }),
          200,
        ) as Invoice;
        assert.deepEqual(patched.total, USD(13_500));
        assert.deepEqual(patched.lines.map((l) => l.id).sort(), [c1, c3].sort());
        // "unbilled" = charges on no (non-void) invoice: a draft holds its charges already.
        assert.deepEqual((await account(p.id)).unbilled, USD(4_000));
        await assertLedger(sql);
      },
    );

    await t.step("issue: numbered, final; issuing or changing it again → 409", async () => {
      invoice = await issue(invoice.id);
      assert.equal(invoice.status, "ISSUED");
      assert.match(invoice.number ?? "", /^INV-\d{4}-\d{6}$/);
      const again = await call(`/invoices/${invoice.id}/issue`, { method: "POST" });
      assert.deepEqual(await json(again, 409), { message: "Invoice is not a draft" });
      const change = await call(`/invoices/${invoice.id}`, {
        method: "PATCH",
        body: { chargeIds: [c1] },
      });
      assert.deepEqual(await json(change, 409), { message: "Invoice is not a draft" });
      const a = await account(p.id);
      assert.deepEqual(a.balance, USD(13_500));
      assert.deepEqual(a.unbilled, USD(4_000));
      await assertLedger(sql);
    });

    await t.step(
      "payments: key required, partial, void refused, over → PAID and credit",
      async () => {
        const noKey = await h.call(`/api/billing/invoices/${invoice.id}/payments`, {
          method: "POST",
          token,
          body: { amount: USD(100), method: "CASH" },
        });
        assert.equal(noKey.status, 400);
        await noKey.body?.cancel();
        const eur = await pay(invoice.id, 100);
        assert.equal(eur.status, 201);
        await eur.body?.cancel();
        const wrong = await call(`/invoices/${invoice.id}/payments`, {
          method: "POST",
          key: crypto.randomUUID(),
          body: { amount: { amount: 100, currency: "EUR" }, method: "CASH" },
        });
        assert.equal(typeof (await json(wrong, 400)).amount, "string");
        const badMethod = await call(`/invoices/${invoice.id}/payments`, {
          method: "POST",
          key: crypto.randomUUID(),
          body: { amount: USD(1), method: "BITCOIN" },
        });
        assert.equal(typeof (await json(badMethod, 400)).method, "string");
        const partial = await json(await pay(invoice.id, 3_400, "pay-1", "BANK_TRANSFER"), 201);
        assert.deepEqual(Object.keys(partial).sort(), [
          "amount",
          "id",
          "invoiceId",
          "method",
          "receivedAt",
          "reference",
        ]);
        const replay = await pay(invoice.id, 3_400, "pay-1", "BANK_TRANSFER");
        assert.equal(replay.headers.get("Idempotent-Replayed"), "true");
        assert.deepEqual(await json(replay, 201), partial);
        const voidPaid = await call(`/invoices/${invoice.id}/void`, { method: "POST" });
        assert.equal(voidPaid.status, 409);
        await voidPaid.body?.cancel();
        let read = await json(await call(`/invoices/${invoice.id}`), 200) as Invoice;
        assert.equal(read.status, "ISSUED");
        assert.deepEqual(read.paid, USD(3_500));
        assert.deepEqual(read.due, USD(10_000));
        assert.equal(read.payments.length, 2, "the retried payment was taken once");
        await json(await pay(invoice.id, 12_000), 201);
        read = await json(await call(`/invoices/${invoice.id}`), 200) as Invoice;
        assert.equal(read.status, "PAID");
        assert.deepEqual(read.due, USD(0));
        assert.deepEqual((await account(p.id)).balance, USD(-2_000), "the excess is credit");
        const after = await pay(invoice.id, 1);
        assert.equal(after.status, 409);
        await after.body?.cancel();
        await assertLedger(sql);
      },
    );

    await t.step(
      "void: a draft, and an issued invoice with nothing paid; charges free again",
      async () => {
        const d = await draft(p.id, [c2]);
        const voided = await json(await call(`/invoices/${d.id}/void`, { method: "POST" }), 200);
        assert.equal(voided.status, "VOID");
        const again = await call(`/invoices/${d.id}/void`, { method: "POST" });
        assert.equal(again.status, 409);
        await again.body?.cancel();
        const issued = await issue((await draft(p.id, [c2])).id);
        assert.deepEqual((await account(p.id)).balance, USD(2_000));
        await json(await call(`/invoices/${issued.id}/void`, { method: "POST" }), 200);
        const a = await account(p.id);
        assert.deepEqual(a.balance, USD(-2_000), "the void reversed the issue");
        assert.deepEqual(a.unbilled, USD(4_000));
        const payVoid = await pay(issued.id, 1);
        assert.equal(payVoid.status, 409);
        await payVoid.body?.cancel();
        await assertLedger(sql);
      },
    );

    await t.step(
      "statement: opening, each transaction with its running balance, closing",
      async () => {
        const s = await json(await call(`/accounts/${p.id}/statement`), 200);
        assert.deepEqual(s.openingBalance, USD(0));
        assert.deepEqual(
          s.entries.map((
            e: { type: string; amount: { amount: number } },
          ) => [e.type, e.amount.amount]),
          [
            ["INVOICE", 13_500],
            ["PAYMENT", -100],
            ["PAYMENT", -3_400],
            ["PAYMENT", -12_000],
            ["INVOICE", 4_000],
            ["VOID", -4_000],
          ],
        );
        assert.deepEqual(s.entries.at(-1).balance, USD(-2_000));
        assert.deepEqual(s.closingBalance, USD(-2_000));
        assert.equal(s.entries[0].invoiceNumber, invoice.number);
        assert.equal(s.entries[0].paymentId, null);
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
        const later = await json(await call(`/accounts/${p.id}/statement?from=${tomorrow}`), 200);
        assert.deepEqual(later.openingBalance, USD(-2_000));
        assert.deepEqual(later.entries, []);
        assert.deepEqual(later.closingBalance, USD(-2_000));
        const bad = await call(`/accounts/${p.id}/statement?from=yesterday`);
        assert.equal(bad.status, 400);
        await bad.body?.cancel();
      },
    );

    let raced: Invoice;
    await t.step("50 concurrent payments on one invoice: exact balance, PAID once", async () => {
      const q = await newAccount();
      raced = await issue((await draft(q.id, [await charge(q.id, 2_550)])).id);
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const res = await pay(raced.id, 100);
          await res.body?.cancel();
          return res.status;
        }),
      );
      assert.equal(statuses.filter((s) => s === 201).length, 26, String(statuses));
      assert.equal(statuses.filter((s) => s === 409).length, 24, String(statuses));
      const read = await json(await call(`/invoices/${raced.id}`), 200) as Invoice;
      assert.equal(read.status, "PAID");
      assert.deepEqual(read.paid, USD(2_600));
      assert.deepEqual((await account(q.id)).balance, USD(-50));
      await assertLedger(sql);
    });

    await t.step(
      "ledger rows cannot be changed, even by the service's own connection",
      async () => {
        await assert.rejects(sql`update ledger_entries set amount = amount + 1`, /append-only/);
        await assert.rejects(sql`delete from ledger_transactions`, /append-only/);
        await assert.rejects(
          sql.begin(async (tx) => {
            const [acc] = await tx`select account_id from billing_accounts limit 1`;
            const [inv] = await tx`select id from invoices limit 1`;
            const [t1] = await tx`
            insert into ledger_transactions (id, account_id, kind, invoice_id)
            values (gen_random_uuid(), ${acc!.account_id}, 'INVOICE', ${inv!.id}) returning id`;
            await tx`insert into ledger_entries (transaction_id, account_id, ledger_account, amount, currency)
                   values (${t1!.id}, ${acc!.account_id}, 'receivable', 5, 'USD')`;
          }),
          /does not balance/,
        );
      },
    );

    await t.step("events: one INVOICE_PAID for the raced invoice, on topic billing", async () => {
      const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `billing-test-${crypto.randomUUID()}` });
      const seen: ReturnType<typeof decodeBillingEvent>[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: h.system.kafka!.billingTopic, fromBeginning: true });
        await consumer.run({
          eachMessage: ({ message }) => {
            seen.push(decodeBillingEvent(message.value));
            return Promise.resolve();
          },
        });
        // Issued: 3 (one voided later), payments: 3 + 26 (one replay not repeated), paid: 2.
        await eventually(
          "all billing events",
          () => Promise.resolve(seen.length >= 34 ? true : undefined),
          30_000,
        );
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await consumer.disconnect();
      }
      const paid = seen.filter((e) => e.eventType === "INVOICE_PAID" && e.invoiceId === raced.id);
      assert.equal(paid.length, 1);
      assert.equal(seen.filter((e) => e.eventType === "INVOICE_ISSUED").length, 3);
      assert.equal(seen.filter((e) => e.eventType === "PAYMENT_RECEIVED").length, 29);
      assert.equal(new Set(seen.map((e) => e.eventId)).size, seen.length);
    });

    await t.step(
      "analytics counts them once, revenue exact; notification mails each issued invoice",
      async () => {
        const summary = await eventually("analytics billing totals", async () => {
          const s = await (await h.call("/api/analytics/summary", { token: admin })).json();
          return s.paymentsReceived === 29 ? s : undefined;
        });
        assert.equal(summary.invoicesIssued, 3);
        assert.deepEqual(summary.revenue, [USD(100 + 3_400 + 12_000 + 2_600)]);
        const invoices = await eventually("INVOICE notifications", async () => {
          const res = await h.call(`/api/notifications?patientId=${p.id}`, { token: admin });
          const list = (await res.json()) as { type: string; status: string }[];
          const mine = list.filter((n) => n.type === "INVOICE");
          return mine.length === 2 && mine.every((n) => n.status === "SENT") ? mine : undefined;
        });
        assert.equal(invoices.length, 2);
        const mail = sink.received.find((m) => m.includes(invoice.number!));
        assert.ok(mail, "a mail names the invoice number");
        assert.ok(mail.includes(p.email), "sent to the patient's email");
        assert.ok(!mail.includes("Office visit"), "no charge lines in the mail");
      },
    );

    await t.step("roles: CLINICIAN → 403 on every billing call", async () => {
      for (
        const [method, path] of [
          ["GET", `/accounts/${p.id}`],
          ["GET", `/accounts/${p.id}/charges`],
          ["POST", `/accounts/${p.id}/charges`],
          ["POST", `/accounts/${p.id}/invoices`],
          ["GET", `/accounts/${p.id}/statement`],
          ["GET", `/invoices/${invoice.id}`],
          ["PATCH", `/invoices/${invoice.id}`],
          ["POST", `/invoices/${invoice.id}/issue`],
          ["POST", `/invoices/${invoice.id}/void`],
          ["POST", `/invoices/${invoice.id}/payments`],
        ]
      ) {
        const res = await h.call(`/api/billing${path}`, {
          method,
          token: clinician,
          body: method === "GET" ? undefined : {},
        });
        assert.deepEqual(await json(res, 403), { message: "Forbidden" }, `${method} ${path}`);
      }
      await assertLedger(sql);
    });
  } finally {
    await sql.end();
    await h.system.stop();
    await sink.close();
  }
});
