import * as grpc from "@grpc/grpc-js";
import {
  type AccountResponse,
  type AddChargesRequest,
  type AddChargesResponse,
  type BillingBatchRequest,
  type BillingBatchResponse,
  type BillingRequest,
  type BillingResponse,
  billingServiceDefinition,
  type GetAccountRequest,
  type ListInvoicesRequest,
  type ListInvoicesResponse,
} from "./billing_service.ts";
import { MAX_CALLS_PER_ROUND } from "./max_calls_per_round.ts";

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
  /**
   * Opens (or finds) the accounts of 1 to `MAX_ACCOUNTS_PER_CALL` patients in one call; the
   * results are in the order of the items, each with its account or its own error.
   */
  createBillingAccounts(
    request: BillingBatchRequest,
    options?: BillingCallOptions,
  ): Promise<BillingBatchResponse>;
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

/** How long a channel with no call running stays open for the next round. */
const IDLE_CLOSE_MS = 100;

/** One channel of a client: its calls so far and those still running. */
interface Channel {
  client: InstanceType<typeof Client>;
  calls: number;
  running: number;
  idle?: ReturnType<typeof setTimeout>;
}

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
  // A channel carries at most `MAX_CALLS_PER_ROUND` calls and is closed by the client once they
  // have answered, or once it has been idle for `IDLE_CLOSE_MS`; the next call opens a new one.
  // Deno's node:http2 can abort the whole process when a GOAWAY or the close of the connection
  // reaches a session that has served calls (billing stopping or restarting:
  // denoland/deno#36788); a session the client closed itself first receives neither, and a short
  // idle time keeps that window small. The same bug on billing's side: its server aborts when a
  // client closes a session that carried about twenty streams or more, and, now and then, after
  // some four hundred sessions have come and gone; so a channel serves several rounds of a
  // dispatcher (each one `CreateBillingAccounts` call) but never more than ten calls.
  let current: Channel | undefined;
  const close = (channel: Channel) => {
    clearTimeout(channel.idle);
    channel.client.close();
    if (current === channel) current = undefined;
  };
  const open = (): Channel => {
    if (current && current.calls >= MAX_CALLS_PER_ROUND) {
      // Full: closed once its calls have answered; new calls go to a channel of their own.
      const full = current;
      current = undefined;
      if (full.running === 0) close(full);
    }
    current ??= {
      client: new Client(options.address, grpc.credentials.createInsecure()),
      calls: 0,
      running: 0,
    };
    clearTimeout(current.idle);
    current.calls++;
    current.running++;
    return current;
  };
  const done = (channel: Channel) => {
    channel.running--;
    if (channel.running > 0) return;
    clearTimeout(channel.idle);
    // After the callbacks of calls answered together (a round shares one channel); a channel
    // that is full or no longer current goes at once, an idle one after `IDLE_CLOSE_MS`.
    const full = channel !== current || channel.calls >= MAX_CALLS_PER_ROUND;
    channel.idle = setTimeout(() => {
      if (channel.running === 0) close(channel);
    }, full ? 0 : IDLE_CLOSE_MS);
  };
  const unary = <Req, Res>(method: grpc.MethodDefinition<Req, Res>) =>
  (
    request: Req,
    callOptions: BillingCallOptions = {},
  ): Promise<Res> => {
    const metadata = new grpc.Metadata();
    if (callOptions.traceparent) metadata.set("traceparent", callOptions.traceparent);
    const channel = open();
    return new Promise<Res>((resolve, reject) => {
      channel.client.makeUnaryRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error, response) => {
          done(channel);
          if (error) reject(error);
          else if (!response) reject(new Error("empty response from BillingService"));
          else resolve(response);
        },
      );
    });
  };
  return {
    createBillingAccount: unary(billingServiceDefinition.createBillingAccount),
    createBillingAccounts: unary(billingServiceDefinition.createBillingAccounts),
    getAccount: unary(billingServiceDefinition.getAccount),
    listInvoices: unary(billingServiceDefinition.listInvoices),
    addCharges: unary(billingServiceDefinition.addCharges),
    close() {
      if (current) close(current);
    },
  };
}
