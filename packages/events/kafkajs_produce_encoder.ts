// kafkajs 2.2.4 (its last release) encodes a produce request by copying each part into the next:
// each record's key and value into its own encoder, the records into the batch, the batch into its
// framing, that into the partition, the partition into the topic and the topic into the request,
// each into an encoder that grows by zero-filled `Buffer.alloc`s. A request of N bytes allocated
// 11 N bytes of buffers or more, all garbage once it is sent, which an isolate holds outside its
// heap until a collection (an audit relay's record of a list, 2.5 KB, cost about 40 KB). For the
// produce versions kafkajs speaks to a current broker (3 to 7, one layout) and uncompressed batches,
// this sizes the request's body first and writes it into one buffer, each record in place with
// kafkajs's own writers; the bytes are the same (`kafkajs_produce_encoder_test.ts` compares them).
// A compressed batch, or an older version, keeps kafkajs's encoding. kafkajs's framing
// (`protocol/request.js`) still copies the body twice. The batch's CRC-32C is `crc-32`'s (SheetJS),
// which reads 16 bytes a step where kafkajs's reads one: about five times faster on a batch of lists'
// audit records (30 KB: 16 µs against 86), the same checksum.
import { Buffer } from "node:buffer";
import Encoder from "kafkajs/src/protocol/encoder.js";
import Header from "kafkajs/src/protocol/recordBatch/header/v0/index.js";
import CRC32C from "crc-32/crc32c.js";
import Long from "kafkajs/src/utils/long.js";
import produce from "kafkajs/src/protocol/requests/produce/index.js";

/** A kafkajs encoder, as far as this file uses one. */
interface EncoderLike {
  buf: Buffer;
  offset: number;
  writeVarInt(value: number): EncoderLike;
  writeInt8(value: number): EncoderLike;
  writeVarLong(value: unknown): EncoderLike;
  writeVarIntBytes(value: unknown): EncoderLike;
  writeVarIntArray(value: EncoderLike[]): EncoderLike;
}

interface EncoderStatics {
  new (initialSize?: number): EncoderLike;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: unknown): number;
  sizeOfVarIntBytes(value: unknown): number;
}

interface LongLike {
  getHighBits(): number;
  getLowBits(): number;
}

interface ProduceMessage {
  key?: unknown;
  value?: unknown;
  headers?: unknown;
  timestamp?: number | string | null;
}

interface ProducePartition {
  partition: number;
  firstSequence?: number | null;
  messages: ProduceMessage[];
}

interface ProduceArgs {
  acks: number;
  timeout: number;
  compression?: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  topicData: { topic: string; partitions: ProducePartition[] }[];
}

interface ProduceDefinition {
  protocol(options: { version: number | string }): (args: ProduceArgs) => {
    request: { encode: () => Promise<EncoderLike> };
    response: unknown;
  };
}

const LongClass = Long as unknown as {
  fromInt(n: number): unknown;
  fromValue(v: unknown): LongLike;
};
const headerOf = Header as unknown as (header: { key: string; value: unknown }) => EncoderLike;
/** The unsigned CRC-32C (Castagnoli) of `bytes`, as a batch's header carries it. */
const crcOf = (bytes: Buffer): number => CRC32C.buf(bytes) >>> 0;
const Enc = Encoder as unknown as EncoderStatics;

/** Compression `None`: `Types.None` of kafkajs's `protocol/message/compression`. */
const NONE = 0;
/** The bytes of a batch's body before its records (attributes to the records' count). */
const BATCH_BODY_HEAD = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** The bytes of a batch before its body: the leader epoch, the magic byte and the CRC. */
const BATCH_HEAD = 4 + 1 + 4;
/** Bytes past the request's end that a writer may ask room for (`kafkajs_varint_fix.ts`: 5). */
const SPARE = 16;
/** `RecordBatch`'s attributes bit of a transactional batch. */
const TRANSACTIONAL = 16;

function stringBytes(value: string | null | undefined): number {
  return value == null ? 2 : 2 + Buffer.byteLength(value, "utf8");
}

/**
 * A record as kafkajs's `Record` (v0) lays it out: its body's size as a varint, then the body
 * (attributes, the time and offset deltas, key, value, headers), which `write` puts at the
 * encoder's offset with kafkajs's own writers.
 */
function recordOf(message: ProduceMessage, offsetDelta: number, timestampDelta: number) {
  const headers = (message.headers === undefined ? {} : message.headers) as Record<string, unknown>;
  const headerList = Object.keys(headers).flatMap((key) => {
    const value = headers[key];
    return Array.isArray(value)
      ? value.map((v) => ({ key, value: v as unknown }))
      : [{ key, value }];
  });
  let headerBytes = Enc.sizeOfVarInt(headerList.length);
  for (const header of headerList) {
    const keySize = Buffer.byteLength(header.key);
    const valueSize = Buffer.byteLength(header.value as string);
    headerBytes += Enc.sizeOfVarInt(keySize) + keySize +
      (header.value === null ? Enc.sizeOfVarInt(-1) : Enc.sizeOfVarInt(valueSize) + valueSize);
  }
  const body = 1 + Enc.sizeOfVarLong(timestampDelta) + Enc.sizeOfVarInt(offsetDelta) +
    Enc.sizeOfVarIntBytes(message.key) + Enc.sizeOfVarIntBytes(message.value) + headerBytes;
  return {
    bytes: Enc.sizeOfVarInt(body) + body,
    write(encoder: EncoderLike) {
      encoder.writeVarInt(body).writeInt8(0).writeVarLong(timestampDelta).writeVarInt(offsetDelta)
        .writeVarIntBytes(message.key).writeVarIntBytes(message.value)
        .writeVarIntArray(headerList.map(headerOf));
    },
  };
}

/** One partition's batch as kafkajs's v3 request computes it. */
function batchOf({ partition, firstSequence, messages }: ProducePartition) {
  const dateNow = Date.now();
  const stamps = messages.map((m) => m.timestamp).filter((t) => t != null).sort();
  const timestamps = stamps.length === 0 ? [dateNow] : stamps;
  const firstTimestamp = timestamps[0]!;
  const maxTimestamp = timestamps[timestamps.length - 1]!;
  const records = messages.map((message, i) =>
    recordOf(
      message,
      i,
      ((message.timestamp || dateNow) as number) - (firstTimestamp as number),
    )
  );
  let recordBytes = 0;
  for (const record of records) recordBytes += record.bytes;
  const batchBytes = BATCH_HEAD + BATCH_BODY_HEAD + recordBytes;
  // The record batch kafkajs sizes (`recordBatch.size()`): first offset, length, the batch.
  const recordBatchBytes = 8 + 4 + batchBytes;
  return {
    partition,
    firstSequence: firstSequence ?? 0,
    firstTimestamp,
    maxTimestamp,
    records,
    batchBytes,
    recordBatchBytes,
  };
}

/** The body of a produce request (versions 3 to 7) with uncompressed batches, in one buffer. */
function encodeProduce(args: ProduceArgs): EncoderLike {
  const transactionalId = args.transactionalId ?? null;
  const producerId = args.producerId === undefined ? LongClass.fromInt(-1) : args.producerId;
  const producerEpoch = args.producerEpoch ?? 0;
  const attributes = transactionalId ? TRANSACTIONAL : 0;
  const topics = args.topicData.map(({ topic, partitions }) => ({
    topic,
    batches: partitions.map(batchOf),
  }));
  let total = stringBytes(transactionalId) + 2 + 4 + 4;
  for (const { topic, batches } of topics) {
    total += stringBytes(topic) + 4;
    for (const batch of batches) total += 4 + 4 + batch.recordBatchBytes;
  }

  // A writer may ask for room beyond what it writes (a varint asks for five bytes), so the buffer
  // has some to spare; the request is its first `total` bytes.
  const buf = Buffer.allocUnsafe(total + SPARE);
  let o = 0;
  // kafkajs's writers, over this buffer: each record is written in place.
  const view = new Enc(0);
  view.buf = buf;
  // The fixed fields are written straight into the buffer: through kafkajs's writers on the same
  // buffer, as the records are, a request cost 30–45 % more in `deno task bench:produce`.
  const int8 = (v: number) => (o = buf.writeInt8(v, o));
  const int16 = (v: number) => (o = buf.writeInt16BE(v, o));
  const int32 = (v: number) => (o = buf.writeInt32BE(v, o));
  const int64 = (v: unknown) => {
    const long = LongClass.fromValue(v);
    o = buf.writeInt32BE(long.getHighBits(), o);
    o = buf.writeInt32BE(long.getLowBits(), o);
  };
  const string = (v: string | null) => {
    if (v == null) return int16(-1);
    const length = Buffer.byteLength(v, "utf8");
    int16(length);
    o += buf.write(v, o, length, "utf8");
  };

  string(transactionalId);
  int16(args.acks);
  int32(args.timeout);
  int32(topics.length);
  for (const { topic, batches } of topics) {
    string(topic);
    int32(batches.length);
    for (const batch of batches) {
      int32(batch.partition);
      int32(batch.recordBatchBytes);
      int64(0); // the first offset
      int32(batch.batchBytes);
      int32(0); // the partition leader's epoch
      int8(2); // the magic byte
      const crcAt = o;
      o += 4;
      const body = o;
      int16(attributes);
      int32(batch.records.length - 1); // the last offset delta
      int64(batch.firstTimestamp);
      int64(batch.maxTimestamp);
      int64(producerId);
      int16(producerEpoch);
      int32(batch.firstSequence);
      int32(batch.records.length);
      for (const record of batch.records) {
        view.offset = o;
        record.write(view);
        // A record whose size kafkajs's sizing gets wrong (a value neither bytes nor text, which
        // kafkajs would send corrupted) ends elsewhere, or has grown the view a buffer of its own.
        if (view.buf !== buf || view.offset !== o + record.bytes) {
          throw new Error("produce request: a record's size is not what was written");
        }
        o = view.offset;
      }
      buf.writeUInt32BE(crcOf(buf.subarray(body, o)), crcAt);
    }
  }
  // Every byte was written (the buffer is not zero-filled): the writes fill it exactly.
  if (o !== total) throw new Error(`produce request: wrote ${o} of ${total} bytes`);
  const encoder = new Enc(0);
  encoder.buf = buf;
  encoder.offset = total;
  return encoder;
}

const definition = produce as unknown as ProduceDefinition;
const protocol = definition.protocol;
definition.protocol = ({ version }) => {
  const build = protocol({ version });
  if (Number(version) < 3) return build;
  return (args) => {
    const built = build(args);
    if ((args.compression ?? NONE) === NONE) {
      // A promise, as kafkajs's own `encode` answers; a throw rejects it.
      built.request.encode = () => Promise.resolve().then(() => encodeProduce(args));
    }
    return built;
  };
};
