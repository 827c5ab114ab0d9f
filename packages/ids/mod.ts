/**
 * Identifiers: the one UUID check of the project (gRPC requests, events, paths).
 *
 * @module
 */
export { isUuid } from "./is_uuid.ts";
