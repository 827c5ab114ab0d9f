// deno-lint-ignore-file no-console
/**
 * Calls `BillingService/CreateBillingAccount` with the project's own client:
 *
 *     deno run --allow-net --allow-read --allow-env grpc-requests/create_billing_account.ts [host:port]
 *
 * @module
 */
import { createBillingClient } from "@pms/billing-api";

const billing = createBillingClient({
  address: Deno.args[0] ?? "127.0.0.1:9001",
  deadlineMs: 3000,
});
try {
  const request = JSON.parse(
    await Deno.readTextFile(new URL("./create_billing_account.json", import.meta.url)),
  );
  console.log(await billing.createBillingAccount(request));
} finally {
  billing.close();
}
