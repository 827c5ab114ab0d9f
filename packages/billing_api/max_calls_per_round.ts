/**
 * The most calls a caller sends together on one `createBillingClient` channel (a dispatcher's
 * round). The client closes its channel once a round has answered, and Deno's `node:http2`
 * server aborts inside nghttp2 when such a close ends a session that carried about twenty
 * streams or more (denoland/deno#36788): rounds of 20 brought billing down at the first close,
 * rounds of up to 18 did not (`create_billing_client_test.ts` keeps this).
 */
export const MAX_CALLS_PER_ROUND = 10;
