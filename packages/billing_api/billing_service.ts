import type * as grpc from "@grpc/grpc-js";
import { loadServiceDefinition } from "./_proto_service.ts";

/** `BillingRequest` of `proto/billing_service.proto`. */
export interface BillingRequest {
  patientId: string;
  name: string;
  email: string;
}

/** `BillingResponse` of `proto/billing_service.proto`. */
export interface BillingResponse {
  accountId: string;
  status: string;
}

/** The gRPC service definition of `BillingService`, for `server.addService` and clients. */
export interface BillingServiceDefinition extends grpc.ServiceDefinition {
  /** `/BillingService/CreateBillingAccount`. */
  createBillingAccount: grpc.MethodDefinition<BillingRequest, BillingResponse>;
}

/** What a server implements for {@linkcode billingServiceDefinition}. */
export interface BillingServiceHandlers extends grpc.UntypedServiceImplementation {
  /** Opens the patient's billing account, or returns the one already open. */
  createBillingAccount: grpc.handleUnaryCall<BillingRequest, BillingResponse>;
}

/** Where the billing contract lives: the reference system's `.proto`, unchanged. */
export const BILLING_PROTO_PATH: string =
  new URL("../../proto/billing_service.proto", import.meta.url).pathname;

/**
 * `BillingService` built from `proto/billing_service.proto` with protobufjs (its encode and
 * decode are the serializers), for `@grpc/grpc-js`. No proto package, so the method path is
 * `/BillingService/CreateBillingAccount`, as in the reference.
 *
 * @example
 * ```ts
 * import * as grpc from "@grpc/grpc-js";
 * import { billingServiceDefinition } from "@pms/billing-api";
 * const server = new grpc.Server();
 * server.addService(billingServiceDefinition, {
 *   createBillingAccount: (call, callback) => callback(null, { accountId: "…", status: "ACTIVE" }),
 * });
 * ```
 */
export const billingServiceDefinition: BillingServiceDefinition = loadServiceDefinition(
  BILLING_PROTO_PATH,
  "BillingService",
) as BillingServiceDefinition;
