import assert from "node:assert/strict";
import Encoder from "kafkajs/src/protocol/encoder.js";
import Decoder from "kafkajs/src/protocol/decoder.js";
import "./kafkajs_varint_fix.ts";

interface TestEncoder {
  writeVarInt(value: number): TestEncoder;
  writeUVarInt(value: number): TestEncoder;
  writeVarLong(value: unknown): TestEncoder;
  buffer: Uint8Array;
}

const Enc = Encoder as unknown as {
  new (): TestEncoder;
  sizeOfVarLong(value: unknown): number;
};
const Dec = Decoder as unknown as new (
  buffer: Uint8Array,
) => { readVarLong(): { toString(): string } };

/** The protocol's varint (Kafka's protocol guide, after protobuf): zig-zag, then 7-bit groups. */
function reference(value: bigint, bits: 32n | 64n, zigZag: boolean): number[] {
  const mask = (1n << bits) - 1n;
  let n = zigZag ? ((value << 1n) ^ (value >> (bits - 1n))) & mask : value & mask;
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

function samples(limit: number): number[] {
  const values = [0, 1, -1, 63, 64, -64, -65, 127, 128, 255, 300, 16_383, 16_384, 2 ** 21, 2 ** 28];
  for (let shift = 0; shift <= limit; shift++) {
    const p = 2 ** shift;
    values.push(p - 1, p, p + 1, -p, -p - 1, -p + 1);
  }
  for (let i = 0; i < 2_000; i++) {
    values.push(Math.floor((Math.random() * 2 - 1) * 2 ** (Math.random() * limit)));
  }
  return values;
}

Deno.test("kafkajs Encoder writes varints and unsigned varints as the protocol defines", () => {
  for (const value of samples(31).filter((v) => v >= -(2 ** 31) && v < 2 ** 31)) {
    assert.deepEqual(
      [...new Enc().writeVarInt(value).buffer],
      reference(BigInt(value), 32n, true),
      `varint ${value}`,
    );
    assert.deepEqual(
      [...new Enc().writeUVarInt(value).buffer],
      reference(BigInt(value), 32n, false),
      `unsigned varint ${value}`,
    );
  }
});

Deno.test("kafkajs Encoder writes varlongs as the protocol defines, and sizes them", () => {
  for (const value of samples(52)) {
    const bytes = [...new Enc().writeVarLong(value).buffer];
    assert.deepEqual(bytes, reference(BigInt(value), 64n, true), `varlong ${value}`);
    assert.equal(Enc.sizeOfVarLong(value), bytes.length, `size of varlong ${value}`);
    const decoded = new Dec(new Enc().writeVarLong(value).buffer).readVarLong();
    assert.equal(decoded.toString(), String(value));
  }
  // A value kafkajs passes as a string still takes its own path.
  assert.deepEqual([...new Enc().writeVarLong("300").buffer], reference(300n, 64n, true));
});
