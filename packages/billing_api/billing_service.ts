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

/** `BillingBatchItem` of `proto/billing_service.proto`: one patient of a batch. */
export interface BillingBatchItem {
  request: BillingRequest;
  /** W3C `traceparent` of the patient's creation, or `""`. */
  traceparent: string;
}

/** `BillingBatchRequest` of `proto/billing_service.proto`: 1 to `MAX_ACCOUNTS_PER_CALL` items. */
export interface BillingBatchRequest {
  items: BillingBatchItem[];
}

/** `BillingBatchResult` of `proto/billing_service.proto`: one item's account, or its error. */
export interface BillingBatchResult {
  /** `""` when the item was refused. */
  accountId: string;
  status: string;
  /** Why the item was refused; `""` when its account is open. */
  error: string;
}

/** `BillingBatchResponse` of `proto/billing_service.proto`: results in the items' order. */
export interface BillingBatchResponse {
  results: BillingBatchResult[];
}

/** `GetAccountRequest` of `proto/billing_service.proto`. */
export interface GetAccountRequest {
  patientId: string;
}

/** `AccountResponse` of `proto/billing_service.proto`: the patient's billing account. */
export interface AccountResponse {
  accountId: string;
  patientId: string;
  /** `ACTIVE` once opened. */
  status: string;
  /** ISO 4217 currency of everything on the account. */
  currency: string;
  /** int64 on the wire: owed (+) or credit (−), minor units (issued totals − payments). */
  balance: number;
}

/** `ListInvoicesRequest` of `proto/billing_service.proto`. */
export interface ListInvoicesRequest {
  patientId: string;
}

/** `InvoiceSummary` of `proto/billing_service.proto`: one invoice, without its lines. */
export interface InvoiceSummary {
  id: string;
  /** `INV-<year>-<6 digits>`; `""` until issued. */
  number: string;
  /** `DRAFT`, `ISSUED`, `PAID` or `VOID`. */
  status: string;
  /** ISO 4217. */
  currency: string;
  /** int64 on the wire, minor units. */
  total: number;
  /** int64 on the wire, minor units paid so far. */
  paid: number;
}

/** `ListInvoicesResponse` of `proto/billing_service.proto`: newest invoice first. */
export interface ListInvoicesResponse {
  invoices: InvoiceSummary[];
}

/** `ChargeLine` of `proto/billing_service.proto`: one charge of an `AddChargesRequest`. */
export interface ChargeLine {
  code: string;
  description: string;
  /** int64 on the wire, minor units. */
  amount: number;
  /** ISO 4217; must be the account's. */
  currency: string;
}

/** `AddChargesRequest` of `proto/billing_service.proto`: charges recorded once per `requestId`. */
export interface AddChargesRequest {
  requestId: string;
  patientId: string;
  /** `YYYY-MM-DD`. */
  serviceDate: string;
  charges: ChargeLine[];
}

/** `AddChargesResponse` of `proto/billing_service.proto`. */
export interface AddChargesResponse {
  chargeIds: string[];
}

/**
 * The methods of `BillingService`, each as its request and response; the definition and the
 * handlers below are both derived from this one table.
 */
export interface BillingMethods {
  /** `/BillingService/CreateBillingAccount`: opens the patient's account, or returns the open one. */
  createBillingAccount: [BillingRequest, BillingResponse];
  /**
   * `/BillingService/CreateBillingAccounts`: opens (or finds) the accounts of 1 to
   * `MAX_ACCOUNTS_PER_CALL` patients; an item with a bad id gets an error.
   */
  createBillingAccounts: [BillingBatchRequest, BillingBatchResponse];
  /** `/BillingService/GetAccount`: the account and balance; `NOT_FOUND` when none was opened. */
  getAccount: [GetAccountRequest, AccountResponse];
  /**
   * `/BillingService/ListInvoices`: the account's invoices, newest first; `NOT_FOUND` without an
   * account.
   */
  listInvoices: [ListInvoicesRequest, ListInvoicesResponse];
  /** `/BillingService/AddCharges`: records charges once per request id; a repeat answers the first's ids. */
  addCharges: [AddChargesRequest, AddChargesResponse];
}

/** The gRPC service definition of `BillingService`, for `server.addService` and clients. */
export type BillingServiceDefinition =
  & grpc.ServiceDefinition
  & {
    [M in keyof BillingMethods]: grpc.MethodDefinition<BillingMethods[M][0], BillingMethods[M][1]>;
  };

/** What a server implements for {@linkcode billingServiceDefinition}. */
export type BillingServiceHandlers =
  & grpc.UntypedServiceImplementation
  & {
    [M in keyof BillingMethods]: grpc.handleUnaryCall<BillingMethods[M][0], BillingMethods[M][1]>;
  };

/**
 * Where the billing contract lives: the reference system's `.proto`, its `CreateBillingAccount`
 * unchanged, with `CreateBillingAccounts`, `GetAccount`, `ListInvoices` and `AddCharges` added.
 */
export const BILLING_PROTO_PATH: string =
  new URL("../../proto/billing_service.proto", import.meta.url).pathname;

/**
 * `BillingService` built from `proto/billing_service.proto` with protobufjs (its encode and
 * decode are the serializers; int64 fields are JS numbers), for `@grpc/grpc-js`. No proto
 * package, so the method paths are `/BillingService/CreateBillingAccount` (as in the reference),
 * `/BillingService/GetAccount` and `/BillingService/ListInvoices`.
 *
 * @example
 * ```ts
 * import * as grpc from "@grpc/grpc-js";
 * import { billingServiceDefinition } from "@pms/billing-api";
 * const server = new grpc.Server();
 * server.addService(billingServiceDefinition, {
 *   createBillingAccount: (call, callback) => callback(null, { accountId: "…", status: "ACTIVE" }),
 *   getAccount: (call, callback) => callback({ code: grpc.status.NOT_FOUND }),
 *   listInvoices: (call, callback) => callback(null, { invoices: [] }),
 * });
 * ```
 */
export const billingServiceDefinition: BillingServiceDefinition = loadServiceDefinition(
  BILLING_PROTO_PATH,
  "BillingService",
) as BillingServiceDefinition;
