import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { mountBillingRoutes } from "./app.ts";
import { loadBillingConfig } from "./config.ts";
import { routeGrpcLogs } from "./grpc/grpc_log.ts";
import { grpcServerWork } from "./grpc/grpc_server.ts";
import { createBillingAccountStore } from "./store/billing_account_store.ts";

/** The billing service: one account per patient, over gRPC (`BillingService`) and HTTP. */
export const billing = defineService({
  topology: topology("billing"),
  title: "Billing Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadBillingConfig,
  setup({ db, logger }) {
    routeGrpcLogs(logger);
    return { accounts: createBillingAccountStore(db.sql) };
  },
  routes: mountBillingRoutes,
  audit: {
    actions: {
      "GET /billing/accounts/:patientId": {
        action: "billing.read",
        patient: { param: "patientId" },
      },
    },
  },
  workers: ({ config, accounts, logger, db }) => [
    grpcServerWork({
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      accounts,
      logger,
      ping: () => db.ping(),
    }),
  ],
});
