// Test helpers: the gateway run as its own process (as the catalog starts it), an upstream that
// echoes what reached it, and HTTP/1.1 written by hand over TCP.
import { freePort, waitForHttp } from "@pms/infra";
import { topology } from "../catalog.ts";
import { UPSTREAMS, upstreamVariable } from "./config.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running gateway process. */
export interface GatewayProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `services/gateway/main.ts` with the catalog's permissions, every upstream at `upstream`,
 * and `env` over that; resolves once `/health` answers.
 */
export async function startGateway(
  upstream: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...topology("gateway").permissions, "services/gateway/main.ts"],
    cwd: ROOT,
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      ...Object.fromEntries(UPSTREAMS.map((s) => [upstreamVariable(s.name), upstream])),
      ...env,
    },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health`, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  }
  return {
    url,
    port,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

/** An upstream that answers every call with what reached it: method, path, `x-forwarded-for`. */
export function startEcho() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    return Response.json({
      method: req.method,
      path: url.pathname,
      forwardedFor: req.headers.get("x-forwarded-for"),
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

/** What a connection received before it was closed. */
export interface Exchange {
  /** Everything read, as Latin-1 text. */
  text: string;
  /** From connecting to the server's close, in ms; undefined when it was still open at `waitMs`. */
  closedAfterMs: number | undefined;
  /** The first answer's status, 0 without one. */
  status: number;
  /** The first answer's body (a `Content-Length` one). */
  body: string;
}

/**
 * Connects to `port`, writes each part after its delay (ms from the previous one), and reads
 * until the server closes the connection or `waitMs` pass.
 */
export async function exchange(
  port: number,
  parts: [delayMs: number, data: string][],
  waitMs = 5_000,
): Promise<Exchange> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const started = performance.now();
  let closed = false;
  const writing = (async () => {
    for (const [delay, data] of parts) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (closed) return;
      const bytes = Uint8Array.from(data, (ch) => ch.charCodeAt(0) & 0xff);
      for (let offset = 0; offset < bytes.length && !closed;) {
        const n = await conn.write(bytes.subarray(offset)).catch(() => -1);
        if (n < 0) return;
        offset += n;
      }
    }
  })();
  const timer = setTimeout(() => {
    closed = true;
    conn.close();
  }, waitMs);
  let text = "";
  let closedAfterMs: number | undefined;
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    for (let i = 0; i < n; i++) text += String.fromCharCode(buffer[i]!);
  }
  if (!closed) {
    closedAfterMs = performance.now() - started;
    closed = true;
    clearTimeout(timer);
    conn.close();
  }
  await writing;
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const headEnd = text.indexOf("\r\n\r\n");
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0);
  const body = headEnd === -1 ? "" : text.slice(headEnd + 4, headEnd + 4 + length);
  return { text, closedAfterMs, status, body };
}
