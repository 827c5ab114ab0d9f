import assert from "node:assert/strict";
import { Logger } from "@pms/log";
import { createKafka } from "./mod.ts";

const logger = new Logger({ service: "test", level: "error" });

/** Reads exactly `n` bytes, or undefined when the peer closed first. */
async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const got = await conn.read(out.subarray(filled));
    if (got === null) return undefined;
    filled += got;
  }
  return out;
}

/** A Kafka response frame: size, correlation id, body. */
function frame(correlationId: number, body: number[]): Uint8Array {
  const out = new DataView(new ArrayBuffer(8 + body.length));
  out.setInt32(0, 4 + body.length);
  out.setInt32(4, correlationId);
  body.forEach((byte, i) => out.setUint8(8 + i, byte));
  return new Uint8Array(out.buffer);
}
const int16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const int32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/**
 * A stand-in for a broker, enough to see how a client starts: it answers ApiVersions (SASL
 * handshake and authenticate supported) and refuses the SASL handshake, recording the mechanism
 * asked for; `firstByte` is the first byte the client sent (0x16 opens a TLS handshake).
 */
function fakeBroker() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: { firstByte?: number; mechanism?: string } = {};
  const conns = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    for (;;) {
      const head = await readExactly(conn, 4);
      if (!head) return;
      seen.firstByte ??= head[0];
      if (head[0] === 0x16) return; // TLS: nothing more to learn
      const size = new DataView(head.buffer).getInt32(0);
      const request = await readExactly(conn, size);
      if (!request) return;
      const view = new DataView(request.buffer);
      const apiKey = view.getInt16(0);
      const apiVersion = view.getInt16(2);
      const correlationId = view.getInt32(4);
      const clientIdLength = view.getInt16(8);
      const body = request.subarray(10 + Math.max(clientIdLength, 0));
      if (apiKey === 18) {
        // ApiVersions: SaslHandshake (17) v0–1, SaslAuthenticate (36) v0–1.
        const versions = [
          ...int16(17),
          ...int16(0),
          ...int16(1),
          ...int16(36),
          ...int16(0),
          ...int16(1),
        ];
        await conn.write(frame(correlationId, [
          ...int16(0),
          ...int32(2),
          ...versions,
          ...(apiVersion >= 1 ? int32(0) : []),
        ]));
      } else if (apiKey === 17) {
        const length = new DataView(body.buffer, body.byteOffset).getInt16(0);
        seen.mechanism = new TextDecoder().decode(body.subarray(2, 2 + length));
        // UNSUPPORTED_SASL_MECHANISM (33): the client gives up at once.
        const plain = new TextEncoder().encode("PLAIN");
        await conn.write(
          frame(correlationId, [...int16(33), ...int32(1), ...int16(plain.length), ...plain]),
        );
      } else {
        return;
      }
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      serve(conn).catch(() => {}).finally(() => {
        conns.delete(conn);
        try {
          conn.close();
        } catch {
          // already closed
        }
      });
    }
  })();
  return {
    address: `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    seen,
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
      await accepting;
    },
  };
}

Deno.test("createKafka() logs in with the SASL mechanism it is given", async () => {
  const broker = fakeBroker();
  const admin = createKafka({
    brokers: [broker.address],
    clientId: "t",
    logger,
    sasl: { mechanism: "scram-sha-512", username: "patient", password: "s3cret" },
  }).admin();
  try {
    await assert.rejects(admin.connect());
    assert.equal(broker.seen.firstByte, 0, "a Kafka request (size prefix), not TLS");
    assert.equal(broker.seen.mechanism, "SCRAM-SHA-512");
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});

Deno.test("createKafka() with ssl opens a TLS handshake before any Kafka request", async () => {
  const broker = fakeBroker();
  const admin = createKafka({ brokers: [broker.address], clientId: "t", logger, ssl: true })
    .admin();
  try {
    const connecting = admin.connect().catch((error: Error) => error);
    const deadline = Date.now() + 5_000;
    while (broker.seen.firstByte === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(broker.seen.firstByte, 0x16, "a TLS record (handshake) first");
    await admin.disconnect();
    assert.ok((await connecting) instanceof Error);
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});
