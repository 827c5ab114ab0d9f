/**
 * Background work that polls a queue table: run a round, go again at once while there is work,
 * wait `pollMs` when idle, back off exponentially after failures, wake early on demand (a commit
 * in this process, or a `NOTIFY`).
 *
 * @module
 */
export {
  createPollingWorker,
  type PollingWorker,
  type PollingWorkerOptions,
} from "./polling_worker.ts";
export { signalCommit, wakeOnCommit } from "./commit_signal.ts";
export { wakeOnNotify } from "./wake_on_notify.ts";
