/**
 * The most patients one `CreateBillingAccounts` call names. A dispatcher opening accounts in
 * rounds sends one such call per round: one stream, however many accounts. Kept well below what
 * Deno's `node:http2` server survives: calls of 95 accounts or more, each on a channel of its own,
 * aborted it inside nghttp2 at the 413th call every time, even with answers after at most 3 ms;
 * calls of up to 90 did not in 1,500 (`create_billing_client_test.ts` keeps this). With slower
 * answers it dies after about as many sessions whatever they carry, which is why channels serve
 * several calls (`createBillingClient`).
 */
export const MAX_ACCOUNTS_PER_CALL = 50;
