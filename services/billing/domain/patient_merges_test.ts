import assert from "node:assert/strict";
import type { Sql } from "@pms/db";
import type { PatientEvent, ReceivedEvent } from "@pms/events";
import { openTestDatabase } from "@pms/testing";
import { createBillingAccountStore } from "../store/billing_account_store.ts";
import { createBillingService } from "./billing_service.ts";
import { followPatientMerges } from "./patient_merges.ts";

const MIGRATIONS = new URL("../migrations", import.meta.url);
const USD = (amount: number) => ({ amount, currency: "USD" });

const received = (event: Partial<PatientEvent>): ReceivedEvent<PatientEvent> =>
  ({
    event: {
      eventId: crypto.randomUUID(),
      eventType: "PATIENT_MERGED",
      patientId: crypto.randomUUID(),
      name: "",
      email: "",
      occurredAt: new Date(),
      version: 2,
      ...event,
    },
  }) as ReceivedEvent<PatientEvent>;

/** Every transaction balanced and every balance its receivable entries. */
async function ledgerHolds(sql: Sql) {
  const [sum] = await sql`select coalesce(sum(amount), 0)::int8 as total from ledger_entries`;
  assert.equal(Number(sum!.total), 0);
  assert.deepEqual([...await sql`select * from ledger_balance_check where balance <> entries`], []);
}

const balanceOf = async (sql: Sql, patientId: string) =>
  Number(
    (await sql`select balance::int8 as b from billing_accounts
                    where patient_id = ${patientId}`)[0]?.b,
  );

Deno.test("followPatientMerges() moves an account once, under concurrent payments, and back", async () => {
  await using testDb = await openTestDatabase("billing", MIGRATIONS);
  const sql = testDb.db.sql;
  const accounts = createBillingAccountStore(sql);
  const billing = createBillingService(sql, accounts);
  const follow = followPatientMerges(sql, "USD");
  const source = crypto.randomUUID();
  const target = crypto.randomUUID();
  await accounts.open(source);
  await accounts.open(target);
  const chargeIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const charge = JSON.parse(
      await billing.addCharge(source, {
        code: "99213",
        description: "Visit",
        amount: USD(10_000),
        serviceDate: "2026-01-01",
      }),
    );
    chargeIds.push(charge.id);
  }
  const invoice = await billing.draftInvoice(source, chargeIds);
  await billing.issue(invoice.id);
  assert.equal(await balanceOf(sql, source), 30_000);

  // Payments on the invoice race the merge: whichever commits first, the ledger holds.
  const merge = received({ patientId: source, mergedInto: target });
  await Promise.all([
    follow([merge]),
    ...Array.from(
      { length: 5 },
      () => billing.pay(invoice.id, { amount: USD(1_000), method: "CARD" }),
    ),
  ]);
  await ledgerHolds(sql);
  assert.equal((await balanceOf(sql, source)) + (await balanceOf(sql, target)), 25_000);
  const [moved] = await sql`select account_id from invoices where id = ${invoice.id}`;
  const [targetAccount] = await sql`select account_id from billing_accounts
                                    where patient_id = ${target}`;
  assert.equal(moved!.account_id, targetAccount!.account_id);

  // The same event again changes nothing.
  const before = await sql`select count(*)::int as n from ledger_transactions`;
  await follow([merge, merge]);
  assert.deepEqual(await sql`select count(*)::int as n from ledger_transactions`, before);

  const statement = JSON.parse(await billing.statement(target, {}, { from: null, to: null }));
  assert.ok(statement.entries.some((e: { type: string }) => e.type === "MERGE"));

  await follow([
    received({ eventType: "PATIENT_UNMERGED", patientId: source, mergedInto: target }),
  ]);
  await ledgerHolds(sql);
  const [back] = await sql`select count(*)::int as n from charges c join billing_accounts a
                           using (account_id) where a.patient_id = ${source}`;
  assert.equal(back!.n, 3);
  assert.equal(await balanceOf(sql, target), 0);
});
