/**
 * The billing gRPC contract (`proto/billing_service.proto`, wire-compatible with the reference
 * system) and the standard health service billing serves: `@grpc/grpc-js` service definitions
 * built with protobufjs, a promise-based billing client, and which failures are worth retrying.
 *
 * @module
 */
export {
  type AccountResponse,
  type AddChargesRequest,
  type AddChargesResponse,
  BILLING_PROTO_PATH,
  type BillingBatchItem,
  type BillingBatchRequest,
  type BillingBatchResponse,
  type BillingBatchResult,
  type BillingMethods,
  type BillingRequest,
  type BillingResponse,
  type BillingServiceDefinition,
  billingServiceDefinition,
  type BillingServiceHandlers,
  type ChargeLine,
  type GetAccountRequest,
  type InvoiceSummary,
  type ListInvoicesRequest,
  type ListInvoicesResponse,
} from "./billing_service.ts";
export {
  HEALTH_PROTO_PATH,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListResponse,
  type HealthServiceDefinition,
  healthServiceDefinition,
  type HealthServiceHandlers,
  type HealthStatus,
} from "./health_service.ts";
export {
  type BillingCallOptions,
  type BillingClient,
  type BillingClientOptions,
  createBillingClient,
} from "./create_billing_client.ts";
export { grpcStatusOf, isRetryableGrpcError } from "./is_retryable_grpc_error.ts";
export { MAX_ACCOUNTS_PER_CALL } from "./max_accounts_per_call.ts";
export { MAX_CALLS_PER_ROUND } from "./max_calls_per_round.ts";
