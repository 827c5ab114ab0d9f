import assert from "node:assert/strict";
import { Logger } from "@pms/log";
import { loadGatewayConfig } from "./config.ts";
import { serveBounded } from "./serve_bounded.ts";
import { exchange, startEcho, startGateway } from "./_test_util.ts";

const HEAD = "GET /health HTTP/1.1\r\nHost: gw\r\n";

Deno.test("loadGatewayConfig() bounds a request head at 10 s and an idle connection at 60 s by default", () => {
  const config = loadGatewayConfig({});
  assert.equal(config.HEAD_TIMEOUT_MS, 10_000);
  assert.equal(config.IDLE_TIMEOUT_MS, 60_000);
  assert.equal(config.TRUSTED_PROXY_HOPS, 0);
  assert.throws(() => loadGatewayConfig({ TRUSTED_PROXY_HOPS: "-1" }), /TRUSTED_PROXY_HOPS/);
  assert.throws(() => loadGatewayConfig({ HEAD_TIMEOUT_MS: "0" }), /HEAD_TIMEOUT_MS/);
});

Deno.test("the gateway closes connections whose request head is late or that idle, and refuses oversized heads with JSON", async (t) => {
  const echo = startEcho();
  const gateway = await startGateway(echo.url, {
    HEAD_TIMEOUT_MS: "1000",
    IDLE_TIMEOUT_MS: "2000",
  });
  try {
    await t.step("a half-sent head is answered 408 and closed after the head timeout", async () => {
      const { closedAfterMs, status, body } = await exchange(gateway.port, [[0, HEAD]]);
      assert.ok(closedAfterMs !== undefined, "still open after 5 s");
      assert.ok(closedAfterMs >= 900 && closedAfterMs < 2_500, `closed after ${closedAfterMs} ms`);
      assert.equal(status, 408);
      assert.equal(typeof JSON.parse(body).message, "string");
    });

    await t.step("a head dribbled a field at a time is closed after the head timeout", async () => {
      const parts: [number, string][] = [[0, HEAD]];
      for (let i = 0; i < 12; i++) parts.push([300, `X-Slow-${i}: 1\r\n`]);
      const { closedAfterMs } = await exchange(gateway.port, parts);
      assert.ok(closedAfterMs !== undefined, "still open after 5 s");
      assert.ok(closedAfterMs >= 900 && closedAfterMs < 2_500, `closed after ${closedAfterMs} ms`);
    });

    await t.step("a connection that sends nothing is closed after the head timeout", async () => {
      const { closedAfterMs } = await exchange(gateway.port, []);
      assert.ok(closedAfterMs !== undefined, "still open after 5 s");
      assert.ok(closedAfterMs >= 900 && closedAfterMs < 2_500, `closed after ${closedAfterMs} ms`);
    });

    await t.step(
      "a kept-alive connection serves a second request, then is closed when idle",
      async () => {
        const { text, closedAfterMs } = await exchange(gateway.port, [
          [0, `${HEAD}\r\n`],
          [500, `${HEAD}\r\n`],
        ]);
        assert.equal(text.match(/HTTP\/1\.1 200/g)?.length, 2, text);
        // Idle from the second answer (at about 0.5 s) for the 2 s idle timeout.
        assert.ok(closedAfterMs !== undefined, "still open after 5 s");
        assert.ok(
          closedAfterMs >= 2_300 && closedAfterMs < 4_000,
          `closed after ${closedAfterMs} ms`,
        );
      },
    );

    await t.step(
      "a second head left unfinished on a kept-alive connection is closed too",
      async () => {
        const { text, closedAfterMs } = await exchange(gateway.port, [
          [0, `${HEAD}\r\n`],
          [200, "GET /health HTTP/1.1\r\nHo"],
        ]);
        assert.match(text, /^HTTP\/1\.1 200/);
        assert.ok(closedAfterMs !== undefined, "still open after 5 s");
        assert.ok(
          closedAfterMs >= 1_100 && closedAfterMs < 2_700,
          `closed after ${closedAfterMs} ms`,
        );
      },
    );

    await t.step("a request line over 8 KiB → 414 {message: URI too long}", async () => {
      for (const size of [8_200, 20_000, 1 << 20]) {
        const head = `GET /auth/${
          "a".repeat(size)
        } HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`;
        const { status, body } = await exchange(gateway.port, [[0, head]]);
        assert.equal(status, 414, `${size}: ${status}`);
        assert.deepEqual(JSON.parse(body), { message: "URI too long" });
      }
      const fits = `GET /auth/${
        "a".repeat(8_000)
      } HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`;
      assert.equal((await exchange(gateway.port, [[0, fits]])).status, 200);
    });

    await t.step(
      "under /fhir/R4 the 414 is an OperationOutcome, however long the line",
      async () => {
        for (const size of [8_200, 20_000]) {
          const head = `GET /fhir/R4/Patient?name=${
            "a".repeat(size)
          } HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`;
          const { status, text, body } = await exchange(gateway.port, [[0, head]]);
          assert.equal(status, 414, `${size}: ${status}`);
          assert.match(text, /content-type: application\/fhir\+json/i, `${size}`);
          assert.deepEqual(JSON.parse(body), {
            resourceType: "OperationOutcome",
            issue: [{ severity: "error", code: "too-long", diagnostics: "URI too long" }],
          });
        }
      },
    );

    await t.step(
      "what the parser or the adapter refuses is answered with JSON, not a bare close",
      async () => {
        const cases: [string, number][] = [
          ["GET /auth/a\x00b HTTP/1.1\r\nHost: gw\r\n\r\n", 400],
          ["GARBAGE\r\n\r\n", 400],
          ["GET /auth/x HTTP/1.1\r\nConnection: close\r\n\r\n", 400],
          ["GET /auth/a\\b HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n", 400],
          ["CONNECT gw:443 HTTP/1.1\r\nHost: gw:443\r\n\r\n", 405],
        ];
        for (const [head, expected] of cases) {
          const { status, text, body, closedAfterMs } = await exchange(gateway.port, [[0, head]]);
          assert.equal(status, expected, JSON.stringify(head));
          assert.equal(typeof JSON.parse(body).message, "string", JSON.stringify(head));
          assert.ok(closedAfterMs !== undefined, JSON.stringify(head));
          // A request id, as every answer has, and the API's security headers.
          assert.match(text, /^x-request-id: [0-9a-f-]{36}\r$/im, JSON.stringify(head));
          assert.match(text, /^x-content-type-options: nosniff\r$/im, JSON.stringify(head));
        }
      },
    );

    await t.step("oversized or too many header fields → 431 JSON", async () => {
      const many = Array.from({ length: 200 }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join("");
      for (const fields of [`X-Big: ${"x".repeat(64 * 1024)}\r\n`, many]) {
        const head = `GET /health HTTP/1.1\r\nHost: gw\r\n${fields}Connection: close\r\n\r\n`;
        const { status, body } = await exchange(gateway.port, [[0, head]]);
        assert.equal(status, 431);
        assert.equal(typeof JSON.parse(body).message, "string");
      }
    });
  } finally {
    await gateway.stop();
    await echo.stop();
  }
});

Deno.test("the gateway returns each answer's own body under concurrent load (the upstream client's buffers are reused)", async () => {
  const echo = startEcho();
  const gateway = await startGateway(echo.url);
  try {
    for (let round = 0; round < 5; round++) {
      const paths = Array.from(
        { length: 64 },
        (_, i) => `/login/${round}-${i}-${"p".repeat(i * 50)}`,
      );
      const seen = await Promise.all(paths.map(async (path) => {
        const res = await fetch(`${gateway.url}/auth${path}`, { method: "POST", body: "{}" });
        return (await res.json()).path;
      }));
      assert.deepEqual(seen, paths);
    }
  } finally {
    await gateway.stop();
    await echo.stop();
  }
});

Deno.test("the gateway stops on SIGTERM within the grace period although a head is half sent", async () => {
  const echo = startEcho();
  const gateway = await startGateway(echo.url, { HEAD_TIMEOUT_MS: "30000" });
  try {
    const held = exchange(gateway.port, [[0, HEAD]], 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await gateway.stop();
    const ms = performance.now() - started;
    assert.ok(ms < 8_000, `stopped after ${ms} ms`);
    assert.ok((await held).closedAfterMs !== undefined);
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway passes on the client address: the peer by default, the X-Forwarded-For entry TRUSTED_PROXY_HOPS from the right behind proxies", async (t) => {
  const echo = startEcho();
  const direct = await startGateway(echo.url);
  const behindOne = await startGateway(echo.url, { TRUSTED_PROXY_HOPS: "1" });
  /** The address the services would take: the last entry of what the gateway sent. */
  const seen = async (base: string, forwardedFor?: string) => {
    const res = await fetch(`${base}/auth/login`, {
      method: "POST",
      body: "{}",
      headers: forwardedFor ? { "X-Forwarded-For": forwardedFor } : {},
    });
    const { forwardedFor: sent } = await res.json();
    return String(sent).split(",").map((entry) => entry.trim()).at(-1);
  };
  try {
    await t.step("TRUSTED_PROXY_HOPS=0: the TCP peer, whatever X-Forwarded-For says", async () => {
      assert.equal(await seen(direct.url), "127.0.0.1");
      assert.equal(await seen(direct.url, "203.0.113.9"), "127.0.0.1");
      assert.equal(await seen(direct.url, "203.0.113.9, 198.51.100.1"), "127.0.0.1");
    });
    await t.step("TRUSTED_PROXY_HOPS=1: the entry the load balancer appended", async () => {
      assert.equal(await seen(behindOne.url, "203.0.113.9"), "203.0.113.9");
      // A client-written entry left of the balancer's does not count.
      assert.equal(await seen(behindOne.url, "10.6.6.6, 203.0.113.9"), "203.0.113.9");
      // No header (not through the balancer): the peer.
      assert.equal(await seen(behindOne.url), "127.0.0.1");
    });
  } finally {
    await direct.stop();
    await behindOne.stop();
    await echo.stop();
  }
});

Deno.test("serveBounded() leaves a request to fetch when its direct handler declines or throws", async () => {
  const lines: string[] = [];
  const server = await serveBounded({
    // The adapter's own `Response` (the global one once the listener is made).
    fetch: (request) => new Response(`fetch ${new URL(request.url).pathname}`),
    port: 0,
    hostname: "127.0.0.1",
    logger: new Logger({ service: "gateway", write: (line) => lines.push(line) }),
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 60_000,
    direct: (req, res) => {
      if (req.url === "/throws") throw new Error("fault");
      if (req.url !== "/direct") return false;
      res.end("direct");
      return true;
    },
  });
  try {
    const cases: [string, string][] = [["/direct", "direct"], ["/other", "fetch /other"]];
    for (const [path, body] of cases) {
      const head = `GET ${path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;
      const answer = await exchange(server.port, [[0, head]]);
      assert.equal(answer.text.endsWith(body), true, path);
    }
    const head = "GET /throws HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const thrown = await exchange(server.port, [[0, head]]);
    assert.equal(thrown.status, 200);
    assert.equal(thrown.text.endsWith("fetch /throws"), true);
    assert.match(lines.join("\n"), /direct handler failed/);
  } finally {
    await server.shutdown();
  }
});
