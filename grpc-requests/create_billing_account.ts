// deno-lint-ignore-file no-console
/**
 * Calls `BillingService/CreateBillingAccount` with the project's own client (default address:
 * billing's gRPC port in `services/catalog.json`), then `GetAccount` and `ListInvoices` for the
 * same patient:
 *
 *     deno run --allow-net --allow-read --allow-env grpc-requests/create_billing_account.ts [host:port]
 *
 * @module
 */
import { createBillingClient } from "@pms/billing-api";
import { topology } from "../services/catalog.ts";

const billing = createBillingClient({
  address: Deno.args[0] ?? `127.0.0.1:${topology("billing").grpcPort}`,
  deadlineMs: 3000,
});
try {
  const request = JSON.parse(
    await Deno.readTextFile(new URL("./create_billing_account.json", import.meta.url)),
  );
  console.log(await billing.createBillingAccount(request));
  const { patientId } = request;
  console.log(await billing.getAccount({ patientId }));
  console.log(await billing.listInvoices({ patientId }));
} finally {
  billing.close();
}
