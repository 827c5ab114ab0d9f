import { type ServerErrorResponse, status } from "@grpc/grpc-js";
import type { BillingResponse, BillingServiceHandlers } from "@pms/billing-api";
import type { Logger } from "@pms/log";
import { inSpan } from "@pms/trace";
import { isUuid } from "@pms/ids";
import type { BillingAccountStore } from "../store/billing_account_store.ts";
import { isDatabaseUnavailable } from "@pms/db";
import { traceIdFrom } from "./trace_context.ts";

/** What the `BillingService` handlers need. */
export interface BillingHandlerDeps {
  accounts: BillingAccountStore;
  logger: Logger;
}

type Outcome = { error: Partial<ServerErrorResponse> } | { response: BillingResponse };

/**
 * `BillingService.CreateBillingAccount`: checks that `patientId` is a UUID (else
 * `INVALID_ARGUMENT`), then opens the patient's account or returns the open one. The request's
 * name and email are ignored: billing keeps no patient data but the id. A database that cannot be
 * reached is `UNAVAILABLE` (callers retry); any other failure is `INTERNAL`, without details.
 * Each call writes one log line with its trace id (from `traceparent` metadata), status and
 * duration, never patient data.
 */
export function createBillingHandlers(deps: BillingHandlerDeps): BillingServiceHandlers {
  return {
    createBillingAccount(call, callback) {
      const started = performance.now();
      const logger = deps.logger.child({
        traceId: traceIdFrom(call.metadata),
        rpc: "CreateBillingAccount",
      });
      const outcome = async (): Promise<Outcome> => {
        const { patientId } = call.request;
        if (!isUuid(patientId)) {
          return {
            error: { code: status.INVALID_ARGUMENT, details: "patientId must be a UUID" },
          };
        }
        try {
          const { account, created } = await deps.accounts.open(patientId);
          logger.info(created ? "billing account opened" : "billing account already open", {
            accountId: account.accountId,
          });
          return { response: { accountId: account.accountId, status: account.status } };
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            logger.warn("database unavailable", { err: error });
            return { error: { code: status.UNAVAILABLE, details: "Billing database unavailable" } };
          }
          logger.error("unhandled error", { err: error });
          return { error: { code: status.INTERNAL, details: "Internal error" } };
        }
      };
      const traceparent = call.metadata.get("traceparent")[0]?.toString();
      inSpan("BillingService/CreateBillingAccount", "server", traceparent, outcome).then(
        (result) => {
          const code = "error" in result ? result.error.code ?? status.UNKNOWN : status.OK;
          logger.info("rpc", {
            status: status[code],
            ms: Math.round((performance.now() - started) * 10) / 10,
          });
          if ("error" in result) callback(result.error);
          else callback(null, result.response);
        },
      );
    },
  };
}
