/**
 * Prints the heap size limit, in MB, of a `node:worker_threads` isolate started with the
 * `resourceLimits` given as JSON in the first argument: what V8 made of them under the process's
 * `DENO_V8_FLAGS`.
 *
 * @module
 */
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { getHeapStatistics } from "node:v8";

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), {
    resourceLimits: JSON.parse(Deno.args[0]!),
  });
  worker.once("message", (limit: number) => {
    Deno.stdout.writeSync(new TextEncoder().encode(`${Math.round(limit / 1048576)}\n`));
    worker.terminate();
  });
} else {
  parentPort!.postMessage(getHeapStatistics().heap_size_limit);
}
