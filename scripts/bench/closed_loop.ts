/**
 * A closed-loop load: a fixed number of clients, each sending its next request once the last one
 * has answered, for a fixed time; what the billing and scheduling benchmarks measure.
 *
 * @module
 */
import { percentile } from "./_util.ts";

/** What {@linkcode closedLoop} measured. */
export interface LoopResult {
  /** Requests answered with the expected status. */
  done: number;
  perSecond: number;
  /** Latencies of those, in ms to one decimal. */
  p50Ms: number;
  p99Ms: number;
  /** Requests answered otherwise. */
  errors: number;
}

/**
 * `clients` loops, each sending `request(n)` (`n` counts the requests of all loops from 0) after
 * the one before has answered, for `seconds`: the answers with status `expected`, per second,
 * their p50 and p99 latency, and the other answers.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  request: (n: number) => Promise<Response>,
  expected = 201,
): Promise<LoopResult> {
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await request(next++);
      await res.body?.cancel();
      if (res.status === expected) times.push(performance.now() - t0);
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    done: times.length,
    perSecond: Math.round(times.length / elapsed),
    p50Ms: Number(percentile(times, 50).toFixed(1)),
    p99Ms: Number(percentile(times, 99).toFixed(1)),
    errors,
  };
}
