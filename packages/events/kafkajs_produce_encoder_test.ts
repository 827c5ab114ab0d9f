import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import Long from "kafkajs/src/utils/long.js";
import produce from "kafkajs/src/protocol/requests/produce/index.js";
import requestV3 from "kafkajs/src/protocol/requests/produce/v3/request.js";
import requestV7 from "kafkajs/src/protocol/requests/produce/v7/request.js";
// As every service has them (`mod.ts`): the varints are written in place, asking room for five.
import "./kafkajs_varint_fix.ts";
import "./kafkajs_produce_encoder.ts";

type Encoded = { buffer: Uint8Array };
type Request = { apiVersion: number; expectResponse(): boolean; encode(): Promise<Encoded> };
type Build = (args: Record<string, unknown>) => { request: Request };
const protocol = (produce as unknown as { protocol(o: { version: number }): Build }).protocol;
const original = {
  3: requestV3 as unknown as (args: Record<string, unknown>) => Request,
  7: requestV7 as unknown as (args: Record<string, unknown>) => Request,
};

/** Runs `fn` with `Date.now()` fixed, as both encoders read the clock. */
async function atFixedTime<T>(fn: () => Promise<T>): Promise<T> {
  const now = Date.now;
  Date.now = () => 1_767_225_600_123;
  try {
    return await fn();
  } finally {
    Date.now = now;
  }
}

async function bothEncodings(version: 3 | 7, args: Record<string, unknown>) {
  return await atFixedTime(async () => {
    const ours = protocol({ version })(args).request;
    const theirs = original[version](args);
    assert.equal(ours.apiVersion, theirs.apiVersion);
    assert.equal(ours.expectResponse(), theirs.expectResponse());
    return {
      ours: Buffer.from((await ours.encode()).buffer),
      theirs: Buffer.from((await theirs.encode()).buffer),
    };
  });
}

const payload = (n: number) => Buffer.from(`{"n":${n},"ids":["${"é-".repeat(n % 40)}"]}`);
const messages = (count: number, shape: (i: number) => Record<string, unknown>) =>
  Array.from(
    { length: count },
    (_, i) => ({ key: crypto.randomUUID(), value: payload(i), ...shape(i) }),
  );

const cases: [string, Record<string, unknown>][] = [
  ["one record, as the relays send it", {
    acks: -1,
    timeout: 30_000,
    topicData: [{
      topic: "audit",
      partitions: [{ partition: 0, messages: messages(1, () => ({})) }],
    }],
  }],
  ["records the size of a list's audit record", {
    acks: -1,
    timeout: 30_000,
    topicData: [{
      topic: "audit",
      partitions: [{
        partition: 0,
        messages: messages(20, () => ({ value: Buffer.from("x".repeat(2_408)) })),
      }],
    }],
  }],
  ["two hundred records with headers", {
    acks: -1,
    timeout: 30_000,
    topicData: [{
      topic: "patient",
      partitions: [{
        partition: 2,
        messages: messages(
          200,
          (i) => ({ headers: { traceparent: `00-${i}-01`, multi: ["a", "b"] } }),
        ),
      }],
    }],
  }],
  ["several topics and partitions, timestamps given, strings and null among them", {
    acks: 1,
    timeout: 5_000,
    topicData: [
      {
        topic: "billing",
        partitions: [
          {
            partition: 0,
            messages: messages(3, (i) => ({ timestamp: 1_767_225_600_000 + 7 * i })),
          },
          {
            partition: 1,
            firstSequence: 12,
            messages: messages(2, (i) => ({ timestamp: String(1_767_225_500_000 + i) })),
          },
          {
            partition: 2,
            messages: messages(4, (i) => (i % 2 ? { timestamp: 1_767_225_600_999 } : {})),
          },
        ],
      },
      {
        topic: "thème-ü",
        partitions: [{
          partition: 5,
          messages: [{ key: null, value: null }, { value: "text value" }],
        }],
      },
    ],
  }],
  ["a transactional producer, no messages in one partition", {
    acks: -1,
    timeout: 30_000,
    transactionalId: "tx-1",
    producerId: Long.fromValue(4_294_967_301),
    producerEpoch: 3,
    topicData: [{
      topic: "audit",
      partitions: [
        { partition: 0, firstSequence: 41, messages: messages(5, () => ({})) },
        { partition: 1, messages: [] },
      ],
    }],
  }],
  ["acks 0 and an empty request", { acks: 0, timeout: 1, topicData: [] }],
];

for (const [name, args] of cases) {
  Deno.test(`the produce encoder writes kafkajs's bytes: ${name}`, async () => {
    for (const version of [3, 7] as const) {
      const { ours, theirs } = await bothEncodings(version, args);
      assert.ok(ours.equals(theirs), `version ${version}: the bytes differ`);
    }
  });
}

Deno.test("the produce encoder leaves a compressed batch to kafkajs", async () => {
  const args = {
    acks: -1,
    timeout: 30_000,
    compression: 1, // GZIP
    topicData: [{
      topic: "audit",
      partitions: [{ partition: 0, messages: messages(3, () => ({})) }],
    }],
  };
  const built = await atFixedTime(async () => {
    const ours = await protocol({ version: 7 })(args).request.encode();
    const theirs = await original[7](args).encode();
    return { ours: Buffer.from(ours.buffer), theirs: Buffer.from(theirs.buffer) };
  });
  // gzip's output holds no time here (kafkajs's codec), so the same input gives the same bytes.
  assert.ok(built.ours.equals(built.theirs));
});
