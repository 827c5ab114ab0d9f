import {
  chunkSize,
  encodeMessage,
  headEnd,
  latin1Text,
  lineEnd,
  parseResponseHead,
  requestHead,
  type ResponseHead,
  UpstreamProtocolError,
} from "./_http1.ts";

/** One request to an upstream service. */
export interface UpstreamRequest {
  /** The upstream's base URL (`http://127.0.0.1:4000`, optionally with a path and `https:`). */
  base: string;
  method: string;
  /** Path and query as sent to the upstream, after the base's own path; starts with `/`. */
  target: string;
  /** Header fields to send; `Host`, `Content-Length` and hop-by-hop framing are the client's. */
  headers: Iterable<[string, string]>;
  /** The request body, already read in full (the gateway's `readBody` buffers it). */
  body?: ArrayBuffer | Uint8Array;
  /** Time allowed for the whole exchange, connecting included, in ms. */
  timeoutMs: number;
}

/**
 * An upstream's answer, read in full. Its body may be a view of the connection's buffer: valid
 * only while the `read` callback given to {@linkcode UpstreamClient.send} runs (copy it, as the
 * `Response` constructor does, to keep it).
 */
export interface UpstreamResponse {
  status: number;
  statusText: string;
  /** Header fields in the order received, names in lower case. */
  headers: [string, string][];
  /** The body (decoded from chunks when it came chunked); null when the response has none. */
  body: Uint8Array<ArrayBuffer> | null;
}

/** Options for {@linkcode UpstreamClient}. */
export interface UpstreamClientOptions {
  /** The largest response the gateway reads from an upstream, in bytes (then 502). */
  maxResponseBytes?: number;
  /** Idle connections kept per upstream; more are closed when released. */
  maxIdlePerUpstream?: number;
}

/** How often the shared timer looks for exchanges past their deadline, in ms. */
const SWEEP_MS = 20;
const HEAD_LIMIT = 64 * 1024;
/** Each connection's read buffer: a list page of 100 patients (about 25 KB) fits whole. */
const BUFFER_BYTES = 32 * 1024;
/** Each connection's request buffer: heads and the bodies of most creates and updates fit. */
const SCRATCH_BYTES = 8 * 1024;
/** Methods retried once on a fresh connection when a kept-alive one turns out to be closed. */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Where a base URL points: the socket's address, the Host field, the path prefix. */
interface Origin {
  key: string;
  hostname: string;
  port: number;
  tls: boolean;
  host: string;
  basePath: string;
}

/** A kept-alive connection with its read buffer. */
class Connection {
  buffer: Uint8Array<ArrayBuffer> = new Uint8Array(BUFFER_BYTES);
  /** Where requests are encoded before they are written (a larger one gets its own array). */
  readonly scratch: Uint8Array = new Uint8Array(SCRATCH_BYTES);
  start = 0;
  end = 0;
  /** Has answered a request before (so a close before any byte may be a stale keep-alive). */
  reused = false;
  idle = false;
  closed = false;
  /** The read an idle connection keeps in flight, so a close by the upstream is seen at once. */
  #pending: Promise<number | null> | undefined;

  constructor(readonly origin: Origin, readonly socket: Deno.Conn) {}

  /** Reads more bytes into the buffer; false at the end of the stream. */
  async fill(limit: number): Promise<boolean> {
    let read = this.#pending;
    this.#pending = undefined;
    if (!read) {
      if (this.end === this.buffer.length) this.#makeRoom(limit);
      read = this.socket.read(this.buffer.subarray(this.end));
    }
    const n = await read;
    if (n === null) return false;
    this.end += n;
    return true;
  }

  #makeRoom(limit: number): void {
    const used = this.end - this.start;
    if (this.start > 0 && used < this.buffer.length / 2) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      if (this.buffer.length >= limit) throw new UpstreamProtocolError("response too large");
      const grown = new Uint8Array(Math.min(limit, this.buffer.length * 2));
      grown.set(this.buffer.subarray(this.start, this.end));
      this.buffer = grown;
    }
    this.start = 0;
    this.end = used;
  }

  /** Parks the connection: one read stays in flight; `onGone` runs if it ends while parked. */
  park(onGone: (connection: Connection) => void): void {
    this.start = this.end = 0;
    if (this.buffer.length > BUFFER_BYTES) this.buffer = new Uint8Array(BUFFER_BYTES);
    this.idle = true;
    this.reused = true;
    const pending = this.socket.read(this.buffer.subarray(0));
    this.#pending = pending;
    // Any outcome while parked (the upstream closed, or sent bytes nobody asked for) retires it.
    const gone = () => {
      if (this.idle) onGone(this);
    };
    pending.then(gone, gone);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle = false;
    try {
      this.socket.close();
    } catch {
      // already closed by the runtime
    }
  }
}

/** An exchange in flight: its deadline and how to end it early. */
interface InFlight {
  deadline: number;
  connection?: Connection;
  fail: (error: unknown) => void;
  timedOut: boolean;
}

/**
 * The gateway's HTTP/1.1 client for its upstreams: kept-alive connections per upstream (one
 * request at a time on each, no pipelining), the request written in one write, the answer read in
 * full and lent to the caller's `read`. It replaces `fetch` on the gateway's hot path because,
 * measured in the loaded system (`deno task bench:profile`), a get or a create cost the gateway
 * about a sixth less CPU with it (a list 4 % more: see docs/benchmarks.md); undici's
 * `Pool`, the library option, saved less than a tenth in isolation.
 *
 * What it does for safety: every field checked before writing (no CR/LF, token names, a path
 * target), the answer's framing read strictly (one Content-Length and never with
 * Transfer-Encoding, no folded lines), a response larger than `maxResponseBytes` refused, and a
 * connection reused only after a complete, well-framed answer with nothing left over. Idle
 * connections keep a read in flight, so one the upstream closes is dropped at once; should a
 * request still meet a closed kept-alive connection before any byte of the answer, an idempotent
 * method is retried once on a new connection and any other fails (502), as proxies do. Deadlines
 * are watched by one shared timer (a timer per request cost a tenth of the gateway's CPU); a
 * timed-out exchange's connection is closed and the call fails with a `TimeoutError`
 * `DOMException`.
 */
export class UpstreamClient {
  readonly #maxResponseBytes: number;
  readonly #maxIdle: number;
  readonly #origins = new Map<string, Origin>();
  readonly #idle = new Map<string, Connection[]>();
  readonly #inFlight = new Set<InFlight>();
  readonly #busy = new Set<Connection>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: UpstreamClientOptions = {}) {
    this.#maxResponseBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
    this.#maxIdle = options.maxIdlePerUpstream ?? 256;
  }

  /**
   * Sends one request and reads its answer.
   *
   * Rejects with a `TimeoutError` `DOMException` past `timeoutMs`; the runtime's connection
   * errors (`ConnectionRefused`, …); an {@linkcode UpstreamProtocolError} for an answer it cannot
   * read; a `TypeError` for a method, target or field that would change the message.
   */
  send<T>(request: UpstreamRequest, read: (response: UpstreamResponse) => T): Promise<T> {
    let origin: Origin;
    try {
      origin = this.#origin(request.base);
    } catch (error) {
      return Promise.reject(error);
    }
    const body = request.body === undefined
      ? undefined
      : request.body instanceof Uint8Array
      ? request.body
      : new Uint8Array(request.body);
    return new Promise<T>((resolve, reject) => {
      // A throw here (a field that would change the message) rejects the call.
      const head = requestHead(
        request.method,
        origin.basePath + request.target,
        origin.host,
        request.headers,
        body?.byteLength,
      );
      const message = { head, body };
      const flight: InFlight = {
        deadline: performance.now() + request.timeoutMs,
        fail: reject,
        timedOut: false,
      };
      this.#watch(flight);
      this.#exchange(origin, request.method, message, flight, read, true).then(
        (response) => {
          this.#unwatch(flight);
          resolve(response);
        },
        (error) => {
          this.#unwatch(flight);
          reject(
            flight.timedOut ? new DOMException("upstream timed out", "TimeoutError") : error,
          );
        },
      );
    });
  }

  /** Closes every connection, idle or busy (a busy one's call fails); later calls open new ones. */
  close(): void {
    for (const connections of this.#idle.values()) {
      for (const connection of connections) connection.close();
    }
    this.#idle.clear();
    for (const connection of this.#busy) connection.close();
    this.#busy.clear();
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  async #exchange<T>(
    origin: Origin,
    method: string,
    message: { head: string; body: Uint8Array | undefined },
    flight: InFlight,
    read: (response: UpstreamResponse) => T,
    mayRetry: boolean,
  ): Promise<T> {
    const connection = this.#take(origin) ?? await this.#connect(origin, flight);
    flight.connection = connection;
    this.#busy.add(connection);
    let answered = false;
    try {
      await writeAll(
        connection.socket,
        encodeMessage(message.head, message.body, connection.scratch),
      );
      const { response, reusable } = await this.#read(connection, method, () => answered = true);
      try {
        return read(response);
      } finally {
        // The body's view of the buffer is spent: the connection may read again.
        if (reusable) this.#release(connection);
        else connection.close();
      }
    } catch (error) {
      connection.close();
      // A kept-alive connection the upstream had closed: nothing of an answer arrived.
      if (
        !flight.timedOut && !answered && connection.reused && mayRetry && IDEMPOTENT.has(method)
      ) {
        return await this.#exchange(origin, method, message, flight, read, false);
      }
      throw error;
    } finally {
      this.#busy.delete(connection);
      flight.connection = undefined;
    }
  }

  /** Reads one answer, and whether the connection may carry another request after it. */
  async #read(
    connection: Connection,
    method: string,
    onFirstByte: () => void,
  ): Promise<{ response: UpstreamResponse; reusable: boolean }> {
    let head: ResponseHead;
    for (;;) {
      let scanned = connection.start;
      let end = -1;
      while ((end = headEnd(connection.buffer, scanned, connection.end)) === -1) {
        if (connection.end - connection.start > HEAD_LIMIT) {
          throw new UpstreamProtocolError("response head too large");
        }
        scanned = Math.max(connection.start, connection.end - 3);
        const before = connection.start;
        if (!await connection.fill(this.#maxResponseBytes)) {
          throw new UpstreamProtocolError("upstream closed the connection");
        }
        scanned -= before - connection.start; // the buffer may have moved its bytes to 0
        onFirstByte();
      }
      head = parseResponseHead(
        latin1Text(connection.buffer.subarray(connection.start, end - 4)),
      );
      connection.start = end;
      // 1xx answers are interim (100 Continue, 103 Early Hints): the final one follows.
      if (head.status >= 200) break;
      if (head.status === 101) throw new UpstreamProtocolError("unexpected protocol switch");
    }
    const bodiless = method === "HEAD" || head.status === 204 || head.status === 304;
    let body: Uint8Array<ArrayBuffer> | null = null;
    if (!bodiless) {
      body = head.framing.kind === "length"
        ? await this.#readLength(connection, head.framing.length, true)
        : head.framing.kind === "chunked"
        ? await this.#readChunked(connection)
        : await this.#readToEnd(connection);
    }
    // Reused only after a complete answer that ended where its framing said, nothing left over.
    const reusable = head.persistent && (bodiless || head.framing.kind !== "close") &&
      connection.start === connection.end;
    const { status, statusText, headers } = head;
    return { response: { status, statusText, headers, body }, reusable };
  }

  /** `length` bytes of body; `lend`: a view of the buffer when they fit in it, else a copy. */
  async #readLength(
    connection: Connection,
    length: number,
    lend: boolean,
  ): Promise<Uint8Array<ArrayBuffer>> {
    if (length > this.#maxResponseBytes) throw new UpstreamProtocolError("response too large");
    // A body that fits the buffer where it starts is read into it and lent as a view.
    if (lend && connection.start + length <= connection.buffer.length) {
      while (connection.end - connection.start < length) {
        if (!await connection.fill(connection.buffer.length)) {
          throw new UpstreamProtocolError("upstream closed the connection");
        }
      }
      const body = connection.buffer.subarray(connection.start, connection.start + length);
      connection.start += length;
      return body;
    }
    const buffered = Math.min(length, connection.end - connection.start);
    const body = new Uint8Array(length);
    body.set(connection.buffer.subarray(connection.start, connection.start + buffered));
    connection.start += buffered;
    let filled = buffered;
    while (filled < length) {
      const n = await connection.socket.read(body.subarray(filled));
      if (n === null) throw new UpstreamProtocolError("upstream closed the connection");
      filled += n;
    }
    return body;
  }

  async #readChunked(connection: Connection): Promise<Uint8Array<ArrayBuffer>> {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let total = 0;
    for (;;) {
      const size = chunkSize(await this.#readLine(connection));
      if (size === 0) break;
      total += size;
      if (total > this.#maxResponseBytes) throw new UpstreamProtocolError("response too large");
      // Copied: the next chunk's read may move the buffer's bytes.
      chunks.push(await this.#readLength(connection, size, false));
      if (await this.#readLine(connection) !== "") {
        throw new UpstreamProtocolError("malformed chunk");
      }
    }
    // Trailer fields, up to the empty line; dropped (the gateway forwards none).
    while (await this.#readLine(connection) !== "");
    return concat(chunks, total);
  }

  async #readLine(connection: Connection): Promise<string> {
    let end: number;
    while ((end = lineEnd(connection.buffer, connection.start, connection.end)) === -1) {
      if (connection.end - connection.start > HEAD_LIMIT) {
        throw new UpstreamProtocolError("chunk line too long");
      }
      if (!await connection.fill(this.#maxResponseBytes)) {
        throw new UpstreamProtocolError("upstream closed the connection");
      }
    }
    const line = latin1Text(connection.buffer.subarray(connection.start, end));
    connection.start = end + 2;
    return line;
  }

  async #readToEnd(connection: Connection): Promise<Uint8Array<ArrayBuffer>> {
    while (await connection.fill(this.#maxResponseBytes));
    const body = connection.buffer.slice(connection.start, connection.end);
    connection.start = connection.end;
    return body;
  }

  #origin(base: string): Origin {
    let origin = this.#origins.get(base);
    if (!origin) {
      const url = new URL(base);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new TypeError(`unsupported upstream protocol ${url.protocol}`);
      }
      const tls = url.protocol === "https:";
      origin = {
        key: `${url.protocol}//${url.host}`,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(url.port || (tls ? 443 : 80)),
        tls,
        host: url.host,
        basePath: url.pathname.replace(/\/+$/, ""),
      };
      this.#origins.set(base, origin);
    }
    return origin;
  }

  #take(origin: Origin): Connection | undefined {
    const idle = this.#idle.get(origin.key);
    let connection: Connection | undefined;
    while ((connection = idle?.pop())) {
      if (connection.closed) continue;
      connection.idle = false;
      return connection;
    }
    return undefined;
  }

  async #connect(origin: Origin, flight: InFlight): Promise<Connection> {
    const options = { hostname: origin.hostname, port: origin.port };
    const socket = origin.tls ? await Deno.connectTls(options) : await Deno.connect(options);
    if (flight.timedOut) {
      socket.close();
      throw new DOMException("upstream timed out", "TimeoutError");
    }
    if ("setNoDelay" in socket) socket.setNoDelay(true);
    return new Connection(origin, socket);
  }

  #release(connection: Connection): void {
    let idle = this.#idle.get(connection.origin.key);
    if (!idle) this.#idle.set(connection.origin.key, idle = []);
    if (idle.length >= this.#maxIdle) return connection.close();
    connection.park((gone) => {
      gone.close();
      const list = this.#idle.get(gone.origin.key);
      const at = list?.indexOf(gone) ?? -1;
      if (at !== -1) list!.splice(at, 1);
    });
    idle.push(connection);
  }

  #watch(flight: InFlight): void {
    this.#inFlight.add(flight);
    this.#sweeper ??= setInterval(() => {
      const now = performance.now();
      for (const watched of this.#inFlight) {
        if (watched.deadline > now) continue;
        this.#inFlight.delete(watched);
        watched.timedOut = true;
        watched.connection?.close();
        watched.fail(new DOMException("upstream timed out", "TimeoutError"));
      }
      if (this.#inFlight.size === 0) this.#stopSweeper();
    }, SWEEP_MS);
  }

  #unwatch(flight: InFlight): void {
    this.#inFlight.delete(flight);
    if (this.#inFlight.size === 0) this.#stopSweeper();
  }

  #stopSweeper(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}

async function writeAll(socket: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await socket.write(bytes.subarray(written));
}

function concat(chunks: Uint8Array<ArrayBuffer>[], total: number): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
