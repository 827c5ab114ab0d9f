// kafkajs 2.2.4 (its last release) schedules the check of its request queue at
// `throttledUntil - Date.now()` even when nothing is pending and no throttle applies
// (`throttledUntil` is -1): a negative delay, which Node-compatible runtimes clamp to 1 ms and
// report as `TimeoutNegativeWarning` on stderr, and a check that re-schedules itself every
// millisecond for as long as the connection lives (kafkajs issues #1704, #1751; PR #1768).
// This replaces that one method with the upstream fix: with nothing pending and no throttle,
// nothing is scheduled (a new request schedules its own check when it is queued).
import RequestQueue from "kafkajs/src/network/requestQueue/index.js";

const CHECK_PENDING_REQUESTS_INTERVAL = 10;

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

(RequestQueue as unknown as { prototype: RequestQueueInternals & Record<string, unknown> })
  .prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId) return;
    let scheduleAt = this.throttledUntil - Date.now();
    if (this.pending.length > 0) {
      scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
    } else if (scheduleAt <= 0) {
      return;
    }
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  };
