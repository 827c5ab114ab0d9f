import * as grpc from "@grpc/grpc-js";
import {
  type AccountResponse,
  type AddChargesRequest,
  type AddChargesResponse,
  type BillingRequest,
  type BillingResponse,
  billingServiceDefinition,
  type GetAccountRequest,
  type ListInvoicesRequest,
  type ListInvoicesResponse,
} from "./billing_service.ts";

/** Options for {@linkcode createBillingClient}. */
export interface BillingClientOptions {
  /** The billing gRPC server, `host:port` (plaintext; the services talk over loopback). */
  address: string;
  /** Deadline of each call, from when it starts; defaults to 5000 ms. */
  deadlineMs?: number;
}

/** Per-call options. */
export interface BillingCallOptions {
  /** W3C `traceparent` of the caller's span, sent as gRPC metadata. */
  traceparent?: string;
}

/**
 * A client of `BillingService`. Every call rejects with the `@grpc/grpc-js` `ServiceError` (with
 * `code` and `details`) when it fails; see `isRetryableGrpcError`.
 */
export interface BillingClient {
  /** Opens the patient's billing account, or gets the one already open. */
  createBillingAccount(
    request: BillingRequest,
    options?: BillingCallOptions,
  ): Promise<BillingResponse>;
  /** The patient's account and balance; `NOT_FOUND` when none was opened. */
  getAccount(request: GetAccountRequest, options?: BillingCallOptions): Promise<AccountResponse>;
  /** The invoices of the patient's account, newest first; `NOT_FOUND` without an account. */
  listInvoices(
    request: ListInvoicesRequest,
    options?: BillingCallOptions,
  ): Promise<ListInvoicesResponse>;
  /** Records charges once per `requestId` (a retry never charges twice). */
  addCharges(request: AddChargesRequest, options?: BillingCallOptions): Promise<AddChargesResponse>;
  /** Closes the channel; calls made afterwards fail. */
  close(): void;
}

const Client = grpc.makeGenericClientConstructor(billingServiceDefinition, "BillingService");

/**
 * A `BillingService` client over one channel. Calls do not wait for the server to come up: an
 * unreachable server fails fast with `UNAVAILABLE`, so the caller decides when to retry.
 *
 * @example
 * ```ts
 * const billing = createBillingClient({ address: "127.0.0.1:50051", deadlineMs: 3000 });
 * const { accountId } = await billing.createBillingAccount(
 *   { patientId, name, email },
 *   { traceparent: c.get("traceparent") },
 * );
 * const { balance } = await billing.getAccount({ patientId });
 * const { invoices } = await billing.listInvoices({ patientId });
 * billing.close();
 * ```
 */
export function createBillingClient(options: BillingClientOptions): BillingClient {
  const deadlineMs = options.deadlineMs ?? 5000;
  // A channel lives while calls run and is closed when the last one has answered; the next call
  // opens a new one. Deno's node:http2 can abort the whole process when a GOAWAY or the close of
  // the connection reaches a session that has served calls (billing stopping or restarting:
  // denoland/deno#36788); a session the client closed itself first receives neither. Billing
  // calls come in short rounds (a dispatcher's batch), so a connection per round costs little.
  // The same bug on billing's side: its server aborts when a client closes a session that carried
  // about twenty streams or more, so callers keep their rounds within `MAX_CALLS_PER_ROUND`.
  let channel: InstanceType<typeof Client> | undefined;
  let running = 0;
  const open = () => {
    running++;
    channel ??= new Client(options.address, grpc.credentials.createInsecure());
    return channel;
  };
  const done = () => {
    running--;
    // After the callbacks of calls answered together, so that a round shares one channel.
    setTimeout(() => {
      if (running === 0 && channel) {
        channel.close();
        channel = undefined;
      }
    }, 0);
  };
  const unary = <Req, Res>(method: grpc.MethodDefinition<Req, Res>) =>
  (
    request: Req,
    callOptions: BillingCallOptions = {},
  ): Promise<Res> => {
    const metadata = new grpc.Metadata();
    if (callOptions.traceparent) metadata.set("traceparent", callOptions.traceparent);
    const client = open();
    return new Promise<Res>((resolve, reject) => {
      client.makeUnaryRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error, response) => {
          done();
          if (error) reject(error);
          else if (!response) reject(new Error("empty response from BillingService"));
          else resolve(response);
        },
      );
    });
  };
  return {
    createBillingAccount: unary(billingServiceDefinition.createBillingAccount),
    getAccount: unary(billingServiceDefinition.getAccount),
    listInvoices: unary(billingServiceDefinition.listInvoices),
    addCharges: unary(billingServiceDefinition.addCharges),
    close() {
      channel?.close();
      channel = undefined;
    },
  };
}
