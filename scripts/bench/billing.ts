// deno-lint-ignore-file no-console
/**
 * `deno task bench:billing`: starts the whole system (PostgreSQL, a real Kafka broker, every
 * service), issues invoices through the gateway, then records payments with 16 concurrent
 * clients (each payment its own Idempotency-Key, its own transaction: payment row, invoice,
 * balanced ledger transaction, account balance, events, audit record): all on one invoice of one
 * account (every payment waits for the invoice's and the account's row locks), then spread over
 * many accounts. Prints payments/s, p50 and p99, and checks the ledger after each run. Figures,
 * not assertions; results also go to `.results/bench_billing.json`.
 *
 *     deno task bench:billing [--seconds N] [--clients N] [--accounts N]
 *
 * @module
 */
import postgres from "postgres";
import { callGateway, gatewayPrefix, loginSeededUser, numberArg } from "./_util.ts";
import { closedLoop } from "./closed_loop.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const SECONDS = numberArg("seconds", 10);
const CLIENTS = numberArg("clients", 16);
const ACCOUNTS = numberArg("accounts", 64);

const bench = await startBenchSystem({ databases: [] });
const { system } = bench;
const gateway = system.urls.gateway!;
const api = `${gateway}${gatewayPrefix("billing")}/billing`;
const billingDb = postgres(system.databaseUrls.billing!, { max: 2, onnotice: () => {} });

const call = (token: string, path: string, body?: unknown, key?: string) =>
  callGateway(gateway, token, path, body, key);

/** A patient with an account and an issued invoice large enough never to be paid off here. */
async function issuedInvoice(token: string, n: number): Promise<string> {
  const patient = await call(token, `${gatewayPrefix("patient")}/patients`, {
    name: `Billing Bench ${n}`,
    email: `billing.bench.${n}.${crypto.randomUUID().slice(0, 8)}@example.com`,
    address: "1 Ledger Lane",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  for (let i = 0;; i++) {
    const res = await fetch(`${api}/accounts/${patient.id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await res.body?.cancel();
    if (res.status === 200) break;
    if (i > 100) throw new Error("no billing account");
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = `${gatewayPrefix("billing")}/billing`;
  const charge = await call(token, `${base}/accounts/${patient.id}/charges`, {
    code: "BENCH",
    description: "Bench charge",
    amount: { amount: 1_000_000_000_000, currency: "USD" },
    serviceDate: "2026-01-01",
  });
  const invoice = await call(token, `${base}/accounts/${patient.id}/invoices`, {
    chargeIds: [charge.id],
  });
  await call(token, `${base}/invoices/${invoice.id}/issue`, {});
  return invoice.id;
}

/** `CLIENTS` loops paying `invoices[i % n]` for `SECONDS`: payments/s, p50, p99, errors. */
async function payFor(token: string, invoices: string[]) {
  const { done, ...load } = await closedLoop(
    CLIENTS,
    SECONDS,
    (n) =>
      fetch(`${api}/invoices/${invoices[n % invoices.length]!}/payments`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          "Idempotency-Key": crypto.randomUUID(),
        },
        body: JSON.stringify({ amount: { amount: 1, currency: "USD" }, method: "CARD" }),
      }),
  );
  const [off] = await billingDb<{ n: number }[]>`
    select count(*)::int as n from ledger_balance_check where balance <> entries`;
  return { payments: done, ...load, ledgerBalanced: off?.n === 0 };
}

try {
  const token = await loginSeededUser(gateway);
  const one = [await issuedInvoice(token, 0)];
  const many: string[] = [];
  for (let i = 1; i <= ACCOUNTS; i++) many.push(await issuedInvoice(token, i));
  // Warm-up: JIT, pools, plans.
  SECONDS > 2 && await payFor(token, many.slice(0, 4)).catch(() => {});
  const result = {
    clients: CLIENTS,
    seconds: SECONDS,
    oneAccount: await payFor(token, one),
    manyAccounts: { accounts: ACCOUNTS, ...await payFor(token, many) },
  };
  const line = (label: string, r: typeof result.oneAccount) =>
    `  ${label.padEnd(26)} ${String(r.perSecond).padStart(5)} payments/s   p50 ${
      String(r.p50Ms).padStart(6)
    } ms   p99 ${
      String(r.p99Ms).padStart(6)
    } ms   errors ${r.errors}   ledger balanced ${r.ledgerBalanced}`;
  console.log(`
payments through the gateway, ${CLIENTS} concurrent clients, ${SECONDS} s each (audit, events, ledger on)
${line("one account, one invoice", result.oneAccount)}
${line(`${ACCOUNTS} accounts`, result.manyAccounts)}
`);
  await writeResult("bench_billing.json", result);
} finally {
  await billingDb.end();
  await bench.stop();
}
