import assert from "node:assert/strict";
import { UpstreamProtocolError } from "./_http1.ts";
import { UpstreamClient, type UpstreamRequest } from "./upstream_client.ts";
import { REFUSED_ADDRESS } from "@pms/testing";

/** One character per byte, as the wire has them. */
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** What the test server answers to one request: raw bytes, or close without a word. */
type Answer = string | { close: true } | { bytes: string; close?: boolean; delayMs?: number };

/**
 * A plain TCP server speaking just enough HTTP/1.1 to test the client's framing: it reads each
 * request (head and Content-Length body) and writes the bytes `answer` gives, on the same
 * connection until told to close.
 */
function rawServer(answer: (request: string, index: number) => Answer) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const sockets = new Set<Deno.Conn>();
  const serving: Promise<void>[] = [];
  let accepted = 0;
  const accepting = (async () => {
    try {
      for await (const socket of listener) {
        accepted++;
        sockets.add(socket);
        serving.push(serveSocket(socket).catch(() => {}).finally(() => sockets.delete(socket)));
      }
    } catch {
      // the listener was closed
    }
  })();
  async function serveSocket(socket: Deno.Conn) {
    let text = "";
    const chunk = new Uint8Array(65536);
    for (;;) {
      let headAt: number;
      while ((headAt = text.indexOf("\r\n\r\n")) === -1) {
        const n = await socket.read(chunk);
        if (n === null) return socket.close();
        text += latin1(chunk.subarray(0, n));
      }
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, headAt))?.[1] ?? 0);
      while (text.length < headAt + 4 + length) {
        const n = await socket.read(chunk);
        if (n === null) return socket.close();
        text += latin1(chunk.subarray(0, n));
      }
      const request = text.slice(0, headAt + 4 + length);
      text = text.slice(request.length);
      requests.push(request);
      const reply = answer(request, requests.length - 1);
      const bytes = typeof reply === "string" ? reply : "bytes" in reply ? reply.bytes : undefined;
      if (typeof reply === "object" && "delayMs" in reply) {
        await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      }
      if (bytes === undefined) return socket.close();
      await socket.write(Uint8Array.from(bytes, (char) => char.charCodeAt(0)));
      if (typeof reply === "object" && reply.close) return socket.close();
    }
  }
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => accepted,
    async close() {
      listener.close();
      for (const socket of sockets) {
        try {
          socket.close();
        } catch {
          // closed by its own loop
        }
      }
      await accepting;
      await Promise.all(serving);
    },
  };
}

const ok = (body: string) =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;

/** Sends and keeps the answer (its body copied out of the connection's buffer). */
function send(client: UpstreamClient, request: UpstreamRequest) {
  return client.send(request, (res) => ({ ...res, body: res.body && res.body.slice() }));
}

function get(base: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return { base, method: "GET", target: "/x", headers: [], timeoutMs: 2_000, ...extra };
}

const text = (body: Uint8Array | null) => new TextDecoder().decode(body ?? new Uint8Array());

/** Lets parked connections see a close that is already on its way. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

Deno.test("UpstreamClient.send() answers a request and keeps one connection for the next", async () => {
  const server = rawServer(() => ok(`{"n":1}`));
  const client = new UpstreamClient();
  try {
    for (let i = 0; i < 3; i++) {
      const res = await send(client, get(server.url));
      assert.equal(res.status, 200);
      assert.equal(res.statusText, "OK");
      assert.deepEqual(res.headers[0], ["content-type", "application/json"]);
      assert.equal(text(res.body), `{"n":1}`);
    }
    assert.equal(server.accepted(), 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() writes Host and its own Content-Length, the caller's fields and the body", async () => {
  const server = rawServer(() => ok("{}"));
  const client = new UpstreamClient();
  try {
    await send(
      client,
      get(`${server.url}/base/`, {
        method: "POST",
        target: "/patients?x=1",
        headers: [["X-Request-Id", "r1"], ["content-length", "999"], ["host", "evil"], [
          "x-name",
          "Zoë",
        ]],
        body: new TextEncoder().encode(`{"a":"é"}`),
      }),
    );
    await send(client, get(server.url, { method: "PUT" }));
    const [post, put] = server.requests;
    assert.match(post!, /^POST \/base\/patients\?x=1 HTTP\/1\.1\r\n/);
    assert.match(post!, new RegExp(`\r\nhost: ${new URL(server.url).host}\r\n`));
    assert.match(post!, /\r\nx-request-id: r1\r\n/);
    assert.match(post!, /\r\ncontent-length: 10\r\n/);
    assert.ok(!post!.includes("999") && !post!.includes("evil"));
    assert.ok(post!.endsWith(`\r\n\r\n${latin1(new TextEncoder().encode(`{"a":"é"}`))}`));
    assert.match(post!, /\r\nx-name: Zo\xeb\r\n/, "a Latin-1 value goes as one byte a character");
    assert.match(put!, /\r\ncontent-length: 0\r\n/, "a PUT without a body says so");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() refuses a field or target that would change the message", async () => {
  const client = new UpstreamClient();
  const base = "http://127.0.0.1:9";
  const refused = [
    get(base, { headers: [["x", "a\r\nx-evil: 1"]] }),
    get(base, { headers: [["x y", "a"]] }),
    get(base, { target: "/a b" }),
    get(base, { target: "x" }),
    get(base, { method: "GET /" }),
    get("ftp://127.0.0.1:9"),
  ];
  for (const request of refused) await assert.rejects(send(client, request), TypeError);
  client.close();
});

Deno.test("UpstreamClient.send() decodes a chunked body with extensions and trailers, then reuses the connection", async () => {
  const server = rawServer(() =>
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" +
    "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nx-trailer: 1\r\n\r\n"
  );
  const client = new UpstreamClient();
  try {
    assert.equal(text((await send(client, get(server.url))).body), "Wikipedia");
    assert.equal(text((await send(client, get(server.url))).body), "Wikipedia");
    assert.equal(server.accepted(), 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() reads a body without a length to the connection's end and does not reuse it", async () => {
  const server = rawServer(() => ({ bytes: "HTTP/1.1 200 OK\r\n\r\nall of it", close: true }));
  const client = new UpstreamClient();
  try {
    assert.equal(text((await send(client, get(server.url))).body), "all of it");
    assert.equal(text((await send(client, get(server.url))).body), "all of it");
    assert.equal(server.accepted(), 2);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() reads no body after HEAD, 204 and 304, and skips interim answers", async () => {
  const server = rawServer((request) =>
    request.startsWith("HEAD")
      ? "HTTP/1.1 200 OK\r\ncontent-length: 42\r\n\r\n"
      : request.includes("/none")
      ? "HTTP/1.1 204 No Content\r\n\r\n"
      : "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nlocation: /x/1\r\ncontent-length: 2\r\n\r\n{}"
  );
  const client = new UpstreamClient();
  try {
    const head = await send(client, get(server.url, { method: "HEAD" }));
    assert.equal(head.body, null);
    assert.deepEqual(head.headers, [["content-length", "42"]]);
    assert.equal((await send(client, get(server.url, { target: "/none" }))).body, null);
    const created = await send(client, get(server.url, { method: "POST" }));
    assert.equal(created.status, 201);
    assert.equal(text(created.body), "{}");
    assert.equal(server.accepted(), 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() refuses answers that could be read two ways", async () => {
  const answers = [
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}",
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
    "HTTP/1.1 200 OK\r\ncontent-length : 2\r\n\r\n{}",
    "HTTP/1.1 200 OK\r\nx: a\r\n folded\r\ncontent-length: 2\r\n\r\n{}",
    "HTTP/1.1 200 OK\r\ncontent-length: -2\r\n\r\n{}",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/2 200\r\ncontent-length: 2\r\n\r\n{}",
    "HTTP/1.1 101 Switching Protocols\r\n\r\n",
  ];
  const server = rawServer((_, i) => answers[i]!);
  const client = new UpstreamClient();
  try {
    for (const answer of answers) {
      await assert.rejects(send(client, get(server.url)), UpstreamProtocolError, answer);
    }
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() refuses an answer larger than its limit", async () => {
  const big = "x".repeat(40_000);
  const server = rawServer((request) =>
    request.includes("/chunked")
      ? `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n9c40\r\n${big}\r\n0\r\n\r\n`
      : request.includes("/open")
      ? { bytes: `HTTP/1.1 200 OK\r\n\r\n${big}`, close: true }
      : ok(big)
  );
  const client = new UpstreamClient({ maxResponseBytes: 32_768 });
  try {
    for (const target of ["/x", "/chunked", "/open"]) {
      await assert.rejects(send(client, get(server.url, { target })), UpstreamProtocolError);
    }
    const roomy = new UpstreamClient({ maxResponseBytes: 65_536 });
    try {
      for (const target of ["/x", "/chunked", "/open"]) {
        assert.equal((await send(roomy, get(server.url, { target }))).body?.length, 40_000);
      }
    } finally {
      roomy.close();
    }
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() drops a kept-alive connection the upstream closed while it was idle", async () => {
  const server = rawServer(() => ({ bytes: ok("{}"), close: true }));
  const client = new UpstreamClient();
  try {
    // The answer says nothing of closing; the server closes anyway, after it.
    assert.equal((await send(client, get(server.url, { method: "POST" }))).status, 200);
    await settle();
    assert.equal((await send(client, get(server.url, { method: "POST" }))).status, 200);
    assert.equal(server.accepted(), 2);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() retries an idempotent request once when a kept-alive connection closes unanswered", async () => {
  // The second request on the first connection is met by a close; a POST is not sent again.
  const server = rawServer((_, i) => i === 1 || i === 3 ? { close: true } : ok(`{"i":${i}}`));
  const client = new UpstreamClient();
  try {
    assert.equal(text((await send(client, get(server.url))).body), `{"i":0}`);
    assert.equal(text((await send(client, get(server.url))).body), `{"i":2}`);
    await assert.rejects(send(client, get(server.url, { method: "POST" })), UpstreamProtocolError);
    assert.equal(server.requests.length, 4);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() fails with a TimeoutError past its deadline and closes that connection", async () => {
  const server = rawServer((_, i) => i === 0 ? { bytes: ok("{}"), delayMs: 500 } : ok("{}"));
  const client = new UpstreamClient();
  try {
    const started = performance.now();
    await assert.rejects(send(client, get(server.url, { timeoutMs: 100 })), (error: Error) => {
      assert.equal(error.name, "TimeoutError");
      return true;
    });
    assert.ok(performance.now() - started < 400);
    assert.equal((await send(client, get(server.url))).status, 200);
    assert.equal(server.accepted(), 2);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("UpstreamClient.send() passes a refused connection on as the runtime's error", async () => {
  const client = new UpstreamClient();
  await assert.rejects(send(client, get(`http://${REFUSED_ADDRESS}`)), /refused/i);
  client.close();
});

Deno.test("UpstreamClient.send() keeps Latin-1 field values byte for byte", async () => {
  const server = rawServer(() => "HTTP/1.1 200 OK\r\nx-name: caf\xe9\r\ncontent-length: 0\r\n\r\n");
  const client = new UpstreamClient();
  try {
    const res = await send(client, get(server.url));
    assert.deepEqual(res.headers, [["x-name", "caf\xe9"], ["content-length", "0"]]);
    assert.equal(res.body?.length, 0);
  } finally {
    client.close();
    await server.close();
  }
});
