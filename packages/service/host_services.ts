import { Worker } from "node:worker_threads";
import { RestartBudget } from "@pms/infra/restart-budget";
import type { Logger } from "@pms/log";
import type { HeapLimits } from "@pms/topology";
import type { HostedServiceData, HostMessage, IsolateMessage } from "./_host_messages.ts";

/** A service to host in this process. */
export interface HostedService {
  /** The service's name, for logs and restarts. */
  name: string;
  /** The module that exports its manifest (`services/<name>/service.ts`). */
  module: URL;
  /** The manifest's export; defaults to the service's name. */
  exportName?: string;
  /** Its environment: what its own process would have had. */
  env: Record<string, string>;
  /** Its isolate's heap limits (V8's flags are the process's, so they cannot set these). */
  heapLimits?: HeapLimits;
}

/** Options for {@linkcode hostServices}. */
export interface HostServicesOptions {
  /** The host's logger (each service logs with its own). */
  logger: Logger;
  /** How often a service that dies is started again (default: 5 a minute each). */
  budget?: RestartBudget;
  /** How long a service may take to stop before its isolate is terminated (default 8 s). */
  stopTimeoutMs?: number;
}

/** Services hosted in this process. */
export interface ServiceHost {
  /** Stops every service together (each drains as its own process would) and ends its isolate. */
  stop(): Promise<void>;
}

const ISOLATE = new URL("./_hosted_service.ts", import.meta.url);

/**
 * Runs several services in this one process, each in an isolate of its own (a
 * `node:worker_threads` worker: its own heap with its own limits, its own thread and event loop,
 * its own environment, ports and connections), and resolves once every one serves. A service that
 * dies (an uncaught error, its heap's limit) is started again on its own, as compose and ECS
 * restart a container, unless it dies in a loop; the others go on. A start that fails stops the
 * ones already started and rejects.
 */
export async function hostServices(
  services: HostedService[],
  options: HostServicesOptions,
): Promise<ServiceHost> {
  const { logger } = options;
  const budget = options.budget ?? new RestartBudget();
  const stopTimeoutMs = options.stopTimeoutMs ?? 8_000;
  const running = new Map<string, Worker>();
  let stopping = false;

  function start(service: HostedService): Promise<void> {
    const data: HostedServiceData = {
      module: service.module.href,
      exportName: service.exportName ?? service.name,
      env: service.env,
    };
    const worker = new Worker(ISOLATE, {
      name: service.name,
      workerData: data,
      resourceLimits: service.heapLimits ?? {},
    });
    running.set(service.name, worker);
    return new Promise((resolve, reject) => {
      let serving = false;
      worker.on("message", (message: IsolateMessage) => {
        if (message.type !== "started") return;
        serving = true;
        resolve();
      });
      worker.on("error", (error: Error) => {
        logger.error("service failed", { service: service.name, err: error });
      });
      worker.on("exit", (code: number) => {
        if (running.get(service.name) !== worker) return;
        running.delete(service.name);
        if (!serving) {
          reject(new Error(`${service.name} exited with ${code} before it served`));
          return;
        }
        if (stopping) return;
        const restart = budget.take(service.name);
        logger.error(
          restart ? "service exited; restarting it" : "service exits in a loop; left down",
          {
            service: service.name,
            code,
          },
        );
        if (!restart) return;
        start(service).catch((error) => {
          logger.error("service failed to start again", { service: service.name, err: error });
        });
      });
    });
  }

  function stopOne(name: string, worker: Worker): Promise<void> {
    running.delete(name);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        logger.warn("service slow to stop; ending its isolate", { service: name });
        void worker.terminate();
      }, stopTimeoutMs);
      worker.on("message", (message: IsolateMessage) => {
        // Stopped: whatever its event loop still holds (a timer's last tick) is not waited for.
        if (message.type === "stopped") void worker.terminate();
      });
      worker.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ type: "stop" } satisfies HostMessage);
    });
  }

  async function stop(): Promise<void> {
    stopping = true;
    await Promise.all([...running].map(([name, worker]) => stopOne(name, worker)));
  }

  try {
    await Promise.all(services.map(start));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
