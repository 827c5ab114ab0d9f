import * as grpc from "@grpc/grpc-js";
import { billingServiceDefinition, healthServiceDefinition } from "@pms/billing-api";
import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";
import type { BackgroundWork } from "@pms/service";
import type { BillingAccountStore } from "../store/billing_account_store.ts";
import { listInvoiceSummaries } from "../store/invoice_summary_store.ts";
import { addChargesOnce } from "../store/charge_request_store.ts";
import { createBillingHandlers } from "./billing_handlers.ts";
import { createHealthService } from "./health.ts";

/** Options for {@linkcode startGrpcServer}. */
export interface GrpcServerOptions {
  /** Interface to bind. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  accounts: BillingAccountStore;
  /** ISO 4217 currency of the accounts it opens (`BILLING_CURRENCY`). */
  currency: string;
  /** The billing database, for what the account store does not read (`ListInvoices`). */
  sql: Sql;
  logger: Logger;
  /** True when the database answers; drives the health service. */
  ping: () => Promise<boolean>;
}

/** A running gRPC server. */
export interface GrpcServer {
  /** The port actually bound. */
  port: number;
  /**
   * Ends health `Watch` streams, stops accepting calls and waits for running ones; after
   * `timeoutMs` (default 3000) cuts those still running.
   */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Stops accepting connections and waits (up to `timeoutMs`) for the calls running, but sends
   * no GOAWAY: the connections are left for the process's exit to close. Deno's `node:http2`
   * client can abort its whole process on a GOAWAY (denoland/deno#36788): the patient and
   * clinical services must not fall when billing stops or restarts. Only for a process about to
   * exit.
   */
  release(timeoutMs?: number): Promise<void>;
}

/** Counts the unary calls running through `handlers` (see {@linkcode GrpcServer.release}). */
function countingCalls<H extends object>(handlers: H): { handlers: H; running: () => number } {
  let running = 0;
  const counted: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    counted[name] = (call: unknown, callback: (...args: unknown[]) => void) => {
      running++;
      handler(call, (...args: unknown[]) => {
        running--;
        callback(...args);
      });
    };
  }
  return { handlers: counted as H, running: () => running };
}

// The requests are at most three short strings; anything bigger is refused before it is decoded.
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * Serves `BillingService` and the standard `grpc.health.v1.Health` (see
 * {@linkcode createHealthService}) over plaintext HTTP/2.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES });
  const billing = countingCalls(createBillingHandlers({
    accounts: options.accounts,
    currency: options.currency,
    listInvoices: (accountId) => listInvoiceSummaries(options.sql, accountId),
    addCharges: (accountId, requestId, charges) =>
      addChargesOnce(options.sql, accountId, requestId, charges),
    logger: options.logger,
  }));
  server.addService(billingServiceDefinition, billing.handlers);
  const health = createHealthService({ ping: options.ping, services: ["BillingService"] });
  server.addService(healthServiceDefinition, health.handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${options.host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, port) => error ? reject(error) : resolve(port),
    )
  );
  options.logger.info("grpc listening", { hostname: options.host, port });
  return {
    port,
    async release(timeoutMs = 3000) {
      health.endWatches();
      server.unbind(`${options.host}:${port}`);
      const until = Date.now() + timeoutMs;
      while (billing.running() > 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (billing.running() > 0) {
        options.logger.warn("grpc calls still running at exit", { running: billing.running() });
      }
    },
    stop(timeoutMs = 3000) {
      health.endWatches();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          options.logger.warn("grpc calls still running: forcing shutdown", { timeoutMs });
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/**
 * The gRPC server as the runner's background work: bound after the HTTP server starts, stopped
 * (running calls drained for up to 3 s) before the database pool closes.
 */
export function grpcServerWork(options: GrpcServerOptions): BackgroundWork {
  let server: GrpcServer | undefined;
  return {
    async start() {
      server = await startGrpcServer(options);
    },
    async stop() {
      // The process exits right after: no GOAWAY (see GrpcServer.release).
      await server?.release(3000);
    },
  };
}
