import {
  createServer,
  type IncomingMessage,
  type ServerOptions,
  type ServerResponse,
} from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { ServeOptions, Server } from "@pms/http";
import {
  answerFor,
  answerText,
  CONNECT_ANSWER,
  fixedAnswerFields,
  headTimeouts,
  REQUEST_ERROR_ANSWER,
  requestLinePath,
  type TimeoutSettings,
} from "./_serve.ts";

/** How long a stop waits for answers in flight before it closes their connections, in ms. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Options for {@linkcode serveBounded}. */
export interface BoundedServeOptions extends ServeOptions {
  /** Time allowed for a request's head (request line and header fields), in ms (10 s). */
  headersTimeoutMs: number;
  /** Time a connection may stay open without a request, in ms (60 s). */
  idleTimeoutMs: number;
  /**
   * Answers a request on `node:http`'s own objects and returns true, or returns false, having
   * touched nothing, to leave it to `fetch` (the gateway's fast path for proxied requests).
   */
  direct?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The paths (and what is below them) whose refusals are FHIR OperationOutcomes. */
  fhirPaths?: string[];
}

/**
 * The largest request head (request line and header fields) read, in bytes; a larger one is
 * answered `414` (its request line alone is too long) or `431` (its fields are).
 */
export const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Serves `fetch` over HTTP/1.1 with bounded connections: a connection whose request head is not
 * complete within `headersTimeoutMs`, or that carries no request for `idleTimeoutMs`, is closed.
 * `Deno.serve` has neither bound (it holds a half-sent head for ever), so the public gateway is
 * served by `node:http`, whose `headersTimeout` and `keepAliveTimeout` Deno implements, through
 * `@hono/node-server` (the Hono project's adapter from `node:http` to fetch-style handlers).
 * Requests the parser refuses (a NUL in the path, a malformed line, an oversized head) are
 * answered with JSON (`400`, `414`, `431`; `408` for a head that did not arrive in time; `405`
 * for `CONNECT`; an OperationOutcome under `fhirPaths`), never with a bare close. Resolves once the server listens.
 */
export function serveBounded(options: BoundedServeOptions): Promise<Server> {
  const settings: TimeoutSettings = headTimeouts(options.headersTimeoutMs, options.idleTimeoutMs);
  const listener = getRequestListener(
    (request, env) => options.fetch(request, env),
    {
      // A request the adapter cannot turn into a `Request` (a backslash in the path, a bad or
      // missing Host) is answered 400 JSON here.
      errorHandler: (error) => {
        if (!(error instanceof RequestError)) throw error;
        return Response.json(REQUEST_ERROR_ANSWER.body, {
          status: REQUEST_ERROR_ANSWER.status,
          headers: fixedAnswerFields(),
        });
      },
    },
  );
  // `requireHostHeader` (Node 20) is missing from the bundled types.
  const serverOptions: ServerOptions & { requireHostHeader: boolean } = {
    headersTimeout: settings.headersTimeout,
    keepAliveTimeout: settings.keepAliveTimeout,
    connectionsCheckingInterval: settings.checkingInterval,
    // The whole request's time is not bounded here: the body has the gateway's own timeout
    // (`BODY_READ_TIMEOUT_MS`) and an answer may stream for as long as the upstream sends.
    requestTimeout: 0,
    maxHeaderSize: MAX_HEAD_BYTES,
    // A missing Host is refused by the adapter, with JSON, rather than by node:http's bare 400.
    requireHostHeader: false,
  };
  const general = listener as (req: IncomingMessage, res: ServerResponse) => void;
  const direct = options.direct;
  // A throw from `direct` (a fault: it answers its own errors) would end the process from inside
  // node:http's event; it is logged, and the request left to `fetch` unless already answered.
  const handle = direct
    ? (req: IncomingMessage, res: ServerResponse) => {
      let taken = false;
      try {
        taken = direct(req, res);
      } catch (error) {
        options.logger.error("direct handler failed", { err: error });
      }
      if (!taken && !res.headersSent) general(req, res);
    }
    : general;
  const server = createServer(serverOptions, handle);
  const answered = new WeakSet<Duplex>();
  server.on("clientError", (error: Error & { code?: string; rawPacket?: Uint8Array }, socket) => {
    const answer = answered.has(socket) ? undefined : answerFor(error.code, error.rawPacket);
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!answer || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const path = requestLinePath(error.rawPacket);
    const fhir = path !== undefined &&
      (options.fhirPaths ?? []).some((p) => path === p || path.startsWith(`${p}/`));
    socket.end(answerText(answer, fhir));
  });
  // `CONNECT` goes to this event instead of the handler; without a listener the connection
  // would be closed without an answer.
  server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    if (socket.writable) socket.end(answerText(CONNECT_ANSWER));
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      options.logger.info("listening", { hostname: options.hostname, port });
      resolve({
        port,
        // Stops accepting, closes idle connections, lets answers in flight finish, and after
        // `SHUTDOWN_GRACE_MS` closes whatever is left (a half-sent head would otherwise hold
        // the stop until its own timeout).
        shutdown: () =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
