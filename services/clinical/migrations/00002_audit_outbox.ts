// The audit outbox every recording service has (its schema lives once, in @pms/audit).
export { createAuditOutbox as default } from "@pms/audit";
