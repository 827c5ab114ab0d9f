/**
 * Identifiers: the one UUID check of the project (gRPC requests, events, paths).
 *
 * @module
 */
export { canonicalUuid } from "./canonical_uuid.ts";
export { isUuid } from "./is_uuid.ts";
