// kafkajs 2.2.4 (its last release) writes every variable-length integer of the protocol (a
// record's length, offset and time deltas, key, value and header sizes) by pushing its bytes
// into an array and copying `Buffer.from(array)` into the request, and every variable-length long
// through `Long` objects. Under Deno's `node:buffer` that is about 1.4 µs and a fresh buffer per
// integer, about ten of them per record produced. This replaces the two writers and the long's
// size with the same encoding (zig-zag, then base-128 groups, low group first, the high bit
// marking a group that continues) written straight into the encoder's buffer; a long outside
// ±2^30 still goes the original way.
import Encoder from "kafkajs/src/protocol/encoder.js";

interface EncoderInternals {
  buf: Uint8Array;
  offset: number;
  ensureAvailable(length: number): void;
  writeUVarInt(value: number): EncoderInternals;
  writeVarLong(value: unknown): EncoderInternals;
}

interface EncoderClass {
  prototype: EncoderInternals;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: unknown): number;
}

const encoder = Encoder as unknown as EncoderClass;
const originalWriteVarLong = encoder.prototype.writeVarLong;
const originalSizeOfVarLong = encoder.sizeOfVarLong;

/** Whether a long is a number whose zig-zag form fits 31 bits, so 32-bit arithmetic encodes it. */
function isSmall(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= -0x40000000 &&
    value < 0x40000000;
}

encoder.prototype.writeUVarInt = function (this: EncoderInternals, value: number) {
  this.ensureAvailable(5);
  const buf = this.buf;
  let offset = this.offset;
  while ((value & 0xffffff80) !== 0) {
    buf[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[offset++] = value & 0x7f;
  this.offset = offset;
  return this;
};

encoder.prototype.writeVarLong = function (this: EncoderInternals, value: unknown) {
  if (!isSmall(value)) return originalWriteVarLong.call(this, value);
  return this.writeUVarInt((value << 1) ^ (value >> 31));
};

encoder.sizeOfVarLong = function (value: unknown) {
  return isSmall(value) ? encoder.sizeOfVarInt(value) : originalSizeOfVarLong.call(this, value);
};
