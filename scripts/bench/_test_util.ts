/**
 * What the bench's unit tests share: a wrk run with made-up figures.
 *
 * @module
 */
import type { Run } from "./wrk.ts";

/** A run through the gateway at 64 connections, 8 s, no errors; `fields` set the rest. */
export function fakeRun(fields: Pick<Run, "scenario" | "rps"> & Partial<Run>): Run {
  return {
    target: "gateway",
    connections: 64,
    requests: fields.rps * 8,
    seconds: 8,
    errors: 0,
    non2xx: 0,
    timeouts: 0,
    p50: 1,
    p99: 1,
    p999: fields.p99 ?? 1,
    max: fields.p99 ?? 1,
    cpu: {},
    ...fields,
  };
}
