import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Partitioners, type PartitionMetadata } from "kafkajs";
import { JavaPartitioner } from "./java_partitioner.ts";

function metadata(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

Deno.test("JavaPartitioner() places every key where kafkajs's DefaultPartitioner does", () => {
  const ours = JavaPartitioner();
  const theirs = Partitioners.DefaultPartitioner();
  const keys: (string | Buffer)[] = [];
  for (let i = 0; i < 5_000; i++) keys.push(crypto.randomUUID());
  for (let length = 0; length < 40; length++) keys.push("é€😀x".repeat(length).slice(0, length));
  for (let i = 0; i < 500; i++) {
    keys.push(Buffer.from(crypto.getRandomValues(new Uint8Array(i % 37))));
  }
  for (const count of [1, 3, 7, 64, 1009]) {
    const partitionMetadata = metadata(count);
    for (const key of keys) {
      const args = { topic: "t", partitionMetadata, message: { key, value: "v" } };
      assert.equal(ours(args), theirs(args), `${String(key)} over ${count}`);
    }
  }
});

Deno.test("JavaPartitioner() keeps a message's own partition and spreads keyless ones", () => {
  const partitioner = JavaPartitioner();
  const partitionMetadata = metadata(4);
  assert.equal(
    partitioner({ topic: "t", partitionMetadata, message: { key: "k", value: "v", partition: 2 } }),
    2,
  );
  const seen = new Set<number>();
  for (let i = 0; i < 8; i++) {
    seen.add(partitioner({ topic: "t", partitionMetadata, message: { value: "v" } }));
  }
  assert.equal(seen.size, 4);
});
