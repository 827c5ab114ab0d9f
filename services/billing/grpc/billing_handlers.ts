import { type handleUnaryCall, type ServerErrorResponse, status } from "@grpc/grpc-js";
import {
  type AddChargesRequest,
  type AddChargesResponse,
  type BillingBatchRequest,
  type BillingBatchResponse,
  type BillingServiceHandlers,
  type InvoiceSummary,
  MAX_ACCOUNTS_PER_CALL,
} from "@pms/billing-api";
import { parseDay } from "@pms/http";
import type { Logger } from "@pms/log";
import { inSpan, parseTraceparent } from "@pms/trace";
import { canonicalUuid, isUuid } from "@pms/ids";
import type { BillingAccountStore } from "../store/billing_account_store.ts";
import type { NewCharge } from "../store/charge_store.ts";
import { isDatabaseUnavailable } from "@pms/db";
import { traceIdFrom } from "./trace_context.ts";

/** What the `BillingService` handlers need. */
export interface BillingHandlerDeps {
  accounts: BillingAccountStore;
  /** ISO 4217 currency of the accounts it opens. */
  currency: string;
  /** The account's invoices, newest first (see `listInvoiceSummaries`). */
  listInvoices: (accountId: string) => Promise<InvoiceSummary[]>;
  /** Records charges once per request id (see `addChargesOnce`). */
  addCharges: (accountId: string, requestId: string, charges: NewCharge[]) => Promise<string[]>;
  logger: Logger;
}

type Outcome<Res> = { error: Partial<ServerErrorResponse> } | { response: Res };

const NO_ACCOUNT: Outcome<never> = {
  error: { code: status.NOT_FOUND, details: "Billing account not found" },
};

/**
 * One unary RPC: runs `work` in a server span joined to the caller's `traceparent`, maps a
 * database that cannot be reached to `UNAVAILABLE` (callers retry) and any other failure to
 * `INTERNAL` without details, and writes one `rpc` log line (trace id, status, ms).
 */
function unaryRpc<Req, Res>(
  deps: BillingHandlerDeps,
  rpc: string,
  work: (request: Req, logger: Logger) => Promise<Outcome<Res>>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = performance.now();
    const logger = deps.logger.child({ traceId: traceIdFrom(call.metadata), rpc });
    const outcome = async (): Promise<Outcome<Res>> => {
      try {
        return await work(call.request, logger);
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
    inSpan(`BillingService/${rpc}`, "server", traceparent, outcome).then((result) => {
      const code = "error" in result ? result.error.code ?? status.UNKNOWN : status.OK;
      logger.info("rpc", {
        status: status[code],
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
      if ("error" in result) callback(result.error);
      else callback(null, result.response);
    });
  };
}

/** A {@linkcode unaryRpc} whose request names a patient: `INVALID_ARGUMENT` unless a UUID. */
function patientRpc<Req extends { patientId: string }, Res>(
  deps: BillingHandlerDeps,
  rpc: string,
  work: (patientId: string, logger: Logger, request: Req) => Promise<Outcome<Res>>,
): handleUnaryCall<Req, Res> {
  return unaryRpc<Req, Res>(
    deps,
    rpc,
    (request, logger) =>
      isUuid(request.patientId) ? work(request.patientId, logger, request) : Promise.resolve({
        error: { code: status.INVALID_ARGUMENT, details: "patientId must be a UUID" },
      }),
  );
}

/**
 * `CreateBillingAccounts`: the accounts of 1 to `MAX_ACCOUNTS_PER_CALL` patients opened (or
 * found) with one statement, each logged in the trace of its item's `traceparent`.
 */
function createAccounts(deps: BillingHandlerDeps) {
  return unaryRpc<BillingBatchRequest, BillingBatchResponse>(
    deps,
    "CreateBillingAccounts",
    async ({ items }, logger) => {
      if (items.length === 0 || items.length > MAX_ACCOUNTS_PER_CALL) {
        const details = `1 to ${MAX_ACCOUNTS_PER_CALL} items`;
        return { error: { code: status.INVALID_ARGUMENT, details } };
      }
      const ids = items.map((item) => item.request?.patientId ?? "");
      const accounts = await deps.accounts.openMany(ids.filter(isUuid), deps.currency);
      const logged = new Set<string>();
      const results = items.map((item, i) => {
        const id = ids[i]!;
        const canonical = canonicalUuid(id);
        const opened = canonical ? accounts.get(canonical) : undefined;
        if (!opened) return { accountId: "", status: "", error: "patientId must be a UUID" };
        const { account } = opened;
        // A patient named twice in one batch: opened by the first item, found by the second.
        const created = opened.created && !logged.has(account.accountId);
        logged.add(account.accountId);
        logger.info(created ? "billing account opened" : "billing account already open", {
          accountId: account.accountId,
          traceId: parseTraceparent(item.traceparent)?.traceId,
        });
        return { accountId: account.accountId, status: account.status, error: "" };
      });
      return { response: { results } };
    },
  );
}

/** What is wrong with an `AddChargesRequest`'s fields, or undefined. */
function addChargesProblem(request: AddChargesRequest): string | undefined {
  if (!isUuid(request.requestId)) return "requestId must be a UUID";
  if (!parseDay(request.serviceDate)) return "serviceDate must be a date (YYYY-MM-DD)";
  if (request.charges.length > 20) return "At most 20 charges";
  for (const c of request.charges) {
    if (c.code.length < 1 || c.code.length > 20) return "code must be 1–20 characters";
    if (c.description.length < 1 || c.description.length > 255) {
      return "description must be 1–255 characters";
    }
    if (!Number.isInteger(c.amount) || c.amount < 1 || c.amount > 1_000_000_000_000) {
      return "amount must be 1 … 10^12 minor units";
    }
  }
  return undefined;
}

/**
 * The `BillingService` handlers. Each checks that `patientId` is a UUID (else
 * `INVALID_ARGUMENT`); a database that cannot be reached is `UNAVAILABLE` (callers retry), any
 * other failure `INTERNAL`, without details. Each call writes one log line with its trace id
 * (from `traceparent` metadata), status and duration, never patient data.
 *
 * - `CreateBillingAccount` opens the patient's account or returns the open one. The request's
 *   name and email are ignored: billing keeps no patient data but the id.
 * - `CreateBillingAccounts` does the same for 1 to `MAX_ACCOUNTS_PER_CALL` patients in one
 *   statement; an item whose `patientId` is no UUID gets its own `error`, the others are opened.
 * - `GetAccount` returns the patient's account with its balance; `NOT_FOUND` without one.
 * - `ListInvoices` returns the account's invoices, newest first; `NOT_FOUND` without an account.
 * - `AddCharges` records charges once per `requestId` (a repeat answers the first's charge ids);
 *   `NOT_FOUND` without an account, `INVALID_ARGUMENT` for a bad field or another currency.
 */
export function createBillingHandlers(deps: BillingHandlerDeps): BillingServiceHandlers {
  return {
    createBillingAccounts: createAccounts(deps),
    createBillingAccount: patientRpc(deps, "CreateBillingAccount", async (patientId, logger) => {
      const { account, created } = await deps.accounts.open(patientId, deps.currency);
      logger.info(created ? "billing account opened" : "billing account already open", {
        accountId: account.accountId,
      });
      return { response: { accountId: account.accountId, status: account.status } };
    }),
    getAccount: patientRpc(deps, "GetAccount", async (patientId) => {
      const account = await deps.accounts.findByPatientId(patientId);
      if (!account) return NO_ACCOUNT;
      return {
        response: {
          accountId: account.accountId,
          patientId: account.patientId,
          status: account.status,
          currency: account.currency,
          balance: account.balance,
        },
      };
    }),
    listInvoices: patientRpc(deps, "ListInvoices", async (patientId) => {
      const account = await deps.accounts.findByPatientId(patientId);
      if (!account) return NO_ACCOUNT;
      return { response: { invoices: await deps.listInvoices(account.accountId) } };
    }),
    addCharges: patientRpc<AddChargesRequest, AddChargesResponse>(
      deps,
      "AddCharges",
      async (patientId, logger, request) => {
        const problem = addChargesProblem(request);
        if (problem) return { error: { code: status.INVALID_ARGUMENT, details: problem } };
        const account = await deps.accounts.findByPatientId(patientId);
        if (!account) return NO_ACCOUNT;
        if (request.charges.some((c) => c.currency !== account.currency)) {
          return {
            error: {
              code: status.INVALID_ARGUMENT,
              details: `Currency must be ${account.currency}`,
            },
          };
        }
        const chargeIds = await deps.addCharges(
          account.accountId,
          request.requestId,
          request.charges.map((c) => ({ ...c, serviceDate: request.serviceDate })),
        );
        logger.info("charges recorded", { accountId: account.accountId, count: chargeIds.length });
        return { response: { chargeIds } };
      },
    ),
  };
}
