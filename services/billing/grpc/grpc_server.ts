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
}

// The requests are at most three short strings; anything bigger is refused before it is decoded.
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * Serves `BillingService` and the standard `grpc.health.v1.Health` (see
 * {@linkcode createHealthService}) over plaintext HTTP/2.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES });
  server.addService(
    billingServiceDefinition,
    createBillingHandlers({
      accounts: options.accounts,
      currency: options.currency,
      listInvoices: (accountId) => listInvoiceSummaries(options.sql, accountId),
      addCharges: (accountId, requestId, charges) =>
        addChargesOnce(options.sql, accountId, requestId, charges),
      logger: options.logger,
    }),
  );
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
      await server?.stop(3000);
    },
  };
}
