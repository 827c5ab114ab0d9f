/**
 * HTTP/1.1 written by hand over TCP, for requests `fetch` will not send as written: paths with
 * `..`, `%2e%2e` or backslashes (which it resolves or encodes first) and oversized or too many
 * headers.
 *
 * @module
 */

/** What {@linkcode rawRequest} read back. */
export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body, de-chunked. */
  body: string;
  /** From connecting to the server closing the connection (or 5 s), in ms. */
  ms: number;
}

/**
 * A `GET` of `path` (sent as written) with `headers` (each line ending in `\r\n`) and
 * `Connection: close`, for {@linkcode rawRequest}.
 */
export function rawGet(path: string, headers = ""): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;
}

/**
 * Sends `head` as written over TCP to the host and port of `url` (`fetch` would resolve `..` and
 * `%2e%2e` before sending) and reads the answer until the server closes the connection (send
 * `Connection: close`) or 5 s have passed.
 */
export async function rawRequest(url: string, head: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const started = performance.now();
  const timer = setTimeout(() => conn.close(), 5_000);
  const chunks: Uint8Array[] = [];
  try {
    await conn.write(new TextEncoder().encode(head)).catch(() => 0);
    while (true) {
      const buffer = new Uint8Array(16 * 1024);
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      chunks.push(buffer.subarray(0, n));
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  return parseAnswer(text, performance.now() - started);
}

/** The payload of a `Transfer-Encoding: chunked` body. */
export function unchunk(body: string): string {
  let out = "";
  let rest = body;
  while (rest.length > 0) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) break;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
  return out;
}

/**
 * Header floods a server must refuse with 400 or 431, quickly: each a name and its header lines
 * (one 64 KiB header, a 64 KiB Authorization header, one 1 MiB header, 200 headers after a valid
 * `token`).
 */
export function oversizedHeaders(token: string): [string, string][] {
  const big = "x".repeat(64 * 1024);
  const many = Array.from({ length: 200 }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join("");
  return [
    ["one 64 KiB header", `X-Big: ${big}\r\n`],
    ["a 64 KiB Authorization header", `Authorization: Bearer ${big}\r\n`],
    ["one 1 MiB header", `X-Big: ${"y".repeat(1 << 20)}\r\n`],
    ["200 headers", `Authorization: Bearer ${token}\r\n${many}`],
  ];
}

/**
 * Sends `head` over TCP and reads until the answer's head and its `Content-Length` body are in
 * (the connection may stay open: a client that stalled mid-body still holds it), or 5 s pass.
 * `ms` is the time to the whole answer.
 */
export async function rawAnswerWhileOpen(url: string, head: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const started = performance.now();
  const timer = setTimeout(() => conn.close(), 5_000);
  let text = "";
  try {
    await conn.write(new TextEncoder().encode(head)).catch(() => 0);
    const decoder = new TextDecoder();
    for (;;) {
      const buffer = new Uint8Array(16 * 1024);
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? NaN);
      if (end !== -1 && text.length - end - 4 >= length) break;
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  return parseAnswer(text, performance.now() - started);
}

/** An HTTP/1.1 answer's status, headers (lower case) and body (de-chunked), as read. */
function parseAnswer(text: string, ms: number): RawAnswer {
  const [top = "", ...rest] = text.split("\r\n\r\n");
  const [statusLine = "", ...lines] = top.split("\r\n");
  const headers = Object.fromEntries(lines.map((line) => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  }));
  let body = rest.join("\r\n\r\n");
  if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, body, ms };
}
