import { createEventRelay, EVENT_OUTBOX_CHANNEL } from "@pms/events";
import { remotePatientAccess } from "@pms/patient_access";
import { createPatientDirectory } from "@pms/patient_directory";
import {
  defineService,
  idempotencyKeyCleanup,
  patientMergeConsumer,
  recordServiceParts,
} from "@pms/service";
import { wakeOnNotify } from "@pms/worker";
import { topology } from "../catalog.ts";
import { mountBillingRoutes } from "./app.ts";
import { loadBillingConfig } from "./config.ts";
import { createBillingService } from "./domain/billing_service.ts";
import { followPatientMerges } from "./domain/patient_merges.ts";
import { routeGrpcLogs } from "./grpc/grpc_log.ts";
import { grpcServerWork } from "./grpc/grpc_server.ts";
import { createBillingAccountStore } from "./store/billing_account_store.ts";

/**
 * The billing service: one account per patient (gRPC `BillingService`), and charges, invoices and
 * payments on an append-only double-entry ledger (HTTP), whose events leave through an outbox to
 * topic `billing`.
 */
export const billing = defineService({
  topology: topology("billing"),
  title: "Billing Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadBillingConfig,
  setup(context) {
    const { config, db, logger } = context;
    routeGrpcLogs(logger);
    const accounts = createBillingAccountStore(db.sql);
    return {
      accounts,
      billing: createBillingService(db.sql, accounts),
      access: remotePatientAccess({ url: config.PATIENT_URL }),
      patients: createPatientDirectory({ url: config.PATIENT_URL }),
      ...recordServiceParts(context, config.BILLING_TOPIC),
      currency: config.BILLING_CURRENCY,
    };
  },
  routes: mountBillingRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers({ config, accounts, logger, db, publisher, keys }) {
    const relay = publisher && createEventRelay({ sql: db.sql, publisher, logger });
    return [
      grpcServerWork({
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        accounts,
        currency: config.BILLING_CURRENCY,
        sql: db.sql,
        logger,
        ping: () => db.ping(),
      }),
      idempotencyKeyCleanup(keys, logger),
      ...(relay ? [relay, wakeOnNotify(db.sql, logger, { [EVENT_OUTBOX_CHANNEL]: relay })] : []),
    ];
  },
  // A merge moves the source's charges, invoices and balance to the target; an unmerge back.
  consumers: ({ config, db }) => [
    patientMergeConsumer(config, followPatientMerges(db.sql, config.BILLING_CURRENCY)),
  ],
  async close({ publisher }) {
    await publisher?.close();
  },
});
