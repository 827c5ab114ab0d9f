import type * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import protobuf from "protobufjs";

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

// keepCase: the fields keep the reference's names (`patientId`, `accountId`).
const root = new protobuf.Root().loadSync(BILLING_PROTO_PATH, { keepCase: true });
const service = root.lookupService("BillingService");

function unary<Req, Res>(methodName: string): grpc.MethodDefinition<Req, Res> {
  const method = service.methods[methodName];
  if (!method) throw new Error(`BillingService has no method ${methodName}`);
  const requestType = root.lookupType(method.requestType);
  const responseType = root.lookupType(method.responseType);
  const serialize = (type: protobuf.Type) => (value: unknown): Buffer => {
    const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  // defaults: proto3 omits empty strings on the wire; readers still get "".
  const deserialize = <T>(type: protobuf.Type) => (bytes: Buffer): T =>
    type.toObject(type.decode(bytes), { defaults: true }) as T;
  return {
    // No proto package: the path is /BillingService/CreateBillingAccount, as in the reference.
    path: `/${service.fullName.replace(/^\./, "")}/${method.name}`,
    originalName: method.name,
    requestStream: false,
    responseStream: false,
    requestSerialize: serialize(requestType),
    requestDeserialize: deserialize<Req>(requestType),
    responseSerialize: serialize(responseType),
    responseDeserialize: deserialize<Res>(responseType),
  };
}

/**
 * `BillingService` built from `proto/billing_service.proto` with protobufjs (its encode and
 * decode are the serializers), for `@grpc/grpc-js`.
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
export const billingServiceDefinition: BillingServiceDefinition = {
  createBillingAccount: unary<BillingRequest, BillingResponse>("CreateBillingAccount"),
};
