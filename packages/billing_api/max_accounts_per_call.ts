/**
 * The most patients one `CreateBillingAccounts` call names. A dispatcher opening accounts in
 * rounds sends one such call per round: one stream, however many accounts. Kept well below what
 * Deno's `node:http2` server was seen to survive: calls of 95 accounts or more, each on a channel
 * of its own, aborted it inside nghttp2 at the 413th call every time, even with answers after at
 * most 3 ms; calls of up to 90 did not in 1,500. With slower answers it dies after about as many
 * sessions whatever they carry, which is why channels serve several calls
 * (`createBillingClient`); `create_billing_client_test.ts` runs 500 calls of this size.
 */
export const MAX_ACCOUNTS_PER_CALL = 50;
