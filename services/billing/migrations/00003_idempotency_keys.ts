// Idempotency-Key answers (required on payments; the schema lives once, in @pms/http).
export { createIdempotencyTable as default } from "@pms/http";
