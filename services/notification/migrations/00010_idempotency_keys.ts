// Idempotency-Key answers of the creating POSTs (the schema lives once, in @pms/http).
export { createIdempotencyTable as default } from "@pms/http";
