import { status } from "@grpc/grpc-js";
import type { HealthServiceHandlers, HealthStatus } from "@pms/billing-api";

/** Options for {@linkcode createHealthService}. */
export interface HealthServiceOptions {
  /** True when the database answers. */
  ping: () => Promise<boolean>;
  /** The service names answered besides `""` (the whole server). */
  services: string[];
  /** How often an open `Watch` re-checks; defaults to 5000 ms. */
  watchIntervalMs?: number;
}

/** The health service's handlers, and a way to end open `Watch` streams at shutdown. */
export interface HealthService {
  handlers: HealthServiceHandlers;
  /** Ends every open `Watch` stream (status OK), so a graceful shutdown need not wait for them. */
  endWatches(): void;
}

/**
 * The standard `grpc.health.v1.Health` service: `SERVING` when the database answers right now,
 * else `NOT_SERVING`, for `""` and each named service. `Check` of an unknown name is `NOT_FOUND`;
 * `Watch` sends the status, then every change, until the caller cancels.
 */
export function createHealthService(options: HealthServiceOptions): HealthService {
  const names = new Set(["", ...options.services]);
  const interval = options.watchIntervalMs ?? 5000;
  const watches = new Set<() => void>();
  const current = async (): Promise<HealthStatus> =>
    (await options.ping().catch(() => false)) ? "SERVING" : "NOT_SERVING";

  const handlers: HealthServiceHandlers = {
    check(call, callback) {
      const name = call.request.service;
      if (!names.has(name)) {
        callback({ code: status.NOT_FOUND, details: `Health status unknown for service ${name}` });
        return;
      }
      current().then((serving) => callback(null, { status: serving }));
    },
    watch(call) {
      const name = call.request.service;
      let last: HealthStatus | undefined;
      let ended = false;
      const send = async () => {
        const next = names.has(name) ? await current() : "SERVICE_UNKNOWN";
        if (ended || call.cancelled || next === last) return;
        last = next;
        call.write({ status: next });
      };
      const timer = setInterval(send, interval);
      const stop = () => {
        ended = true;
        clearInterval(timer);
        watches.delete(end);
      };
      const end = () => {
        stop();
        call.end();
      };
      watches.add(end);
      call.on("cancelled", stop);
      send();
    },
    list(_call, callback) {
      current().then((serving) =>
        callback(null, {
          statuses: Object.fromEntries([...names].map((name) => [name, { status: serving }])),
        })
      );
    },
  };
  return {
    handlers,
    endWatches() {
      for (const end of [...watches]) end();
    },
  };
}
