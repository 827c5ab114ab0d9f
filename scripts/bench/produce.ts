// deno-lint-ignore-file no-console
/**
 * `deno task bench:produce`: what encoding a produce request costs, kafkajs's own encoding against
 * the one-pass encoder every service uses (`packages/events/kafkajs_produce_encoder.ts`), in the
 * same process, rounds alternated. The records are lists' audit records (a page of 50 patients,
 * about 2.5 KB each), as the patient service's audit relay sends them, in requests of 1, 20 and
 * 200 records; each request is framed as kafkajs frames it for the socket. Printed per request:
 * µs (median of the rounds), and the bytes of buffers allocated for it (`Buffer.alloc`,
 * `allocUnsafe`, `allocUnsafeSlow`) as a multiple of its size, garbage that an isolate holds
 * outside its heap until a collection.
 *
 *     deno task bench:produce [--rounds 7] [--requests 2000]
 *
 * Figures, not assertions; also written to `.results/bench_produce.json`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import "@pms/events";
import produce from "kafkajs/src/protocol/requests/produce/index.js";
import requestV7 from "kafkajs/src/protocol/requests/produce/v7/request.js";
import frame from "kafkajs/src/protocol/request.js";
import { listAuditRecord, numberArg, percentile } from "./_util.ts";
import { writeResult } from "./report.ts";

const ROUNDS = numberArg("rounds", 7);
const REQUESTS = numberArg("requests", 2_000);

type Encoded = { buffer: Uint8Array };
type Request = { encode(): Promise<Encoded> };
type Args = Record<string, unknown>;
const encoders: Record<string, (args: Args) => Request> = {
  kafkajs: requestV7 as unknown as (args: Args) => Request,
  "one pass": (args) =>
    (produce as unknown as { protocol(o: { version: number }): (a: Args) => { request: Request } })
      .protocol({ version: 7 })(args).request,
};
const framed = frame as unknown as (o: Args) => Promise<Encoded>;

let allocated = 0;
const counted = Buffer as unknown as Record<string, (size: number, ...rest: unknown[]) => Buffer>;
for (const name of ["alloc", "allocUnsafe", "allocUnsafeSlow"]) {
  const allocate = counted[name]!.bind(Buffer);
  counted[name] = (size, ...rest) => {
    allocated += size;
    return allocate(size, ...rest);
  };
}

const patients = Array.from({ length: 5_000 }, () => crypto.randomUUID());
function requestArgs(records: number): Args {
  const messages = Array.from({ length: records }, (_, i) => {
    const record = listAuditRecord(i, patients, 50);
    return { key: record.id, value: Buffer.from(JSON.stringify(record)) };
  });
  return {
    acks: -1,
    timeout: 30_000,
    topicData: [{ topic: "audit", partitions: [{ partition: 0, messages }] }],
  };
}

const results = [];
for (const records of [1, 20, 200]) {
  const args = requestArgs(records);
  const requests = Math.max(20, Math.round(REQUESTS / records));
  const times: Record<string, number[]> = { kafkajs: [], "one pass": [] };
  const bytes: Record<string, number> = {};
  let size = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, encoder] of Object.entries(encoders)) {
      allocated = 0;
      const started = performance.now();
      for (let i = 0; i < requests; i++) {
        const request = encoder(args);
        size = (await framed({ correlationId: i, clientId: "bench", request })).buffer.length;
      }
      times[name]!.push((performance.now() - started) * 1000 / requests);
      bytes[name] = allocated / requests / size;
    }
  }
  for (const name of Object.keys(encoders)) {
    const sorted = times[name]!.sort((a, b) => a - b);
    const us = percentile(sorted, 50);
    console.log(
      `bench: produce ${String(records).padStart(3)} records (${size} B): ${name.padEnd(8)} ` +
        `${us.toFixed(0).padStart(5)} µs, buffers ${bytes[name]!.toFixed(1)}× the request`,
    );
    results.push({ records, bytes: size, encoder: name, us, buffers: bytes[name] });
  }
}
await writeResult("bench_produce.json", { rounds: ROUNDS, results });
