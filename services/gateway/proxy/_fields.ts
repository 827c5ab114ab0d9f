// Header fields the forwarders (`forward`, the Hono route, and `proxyFastPath`) leave out.

/**
 * Request fields not sent on: those that belong to one connection, not to the message (RFC 9110
 * §7.6.1), and the ones the gateway sets itself. `accept-encoding` is dropped so an upstream
 * answers uncompressed: the gateway passes bodies through as they come, and compression, if any,
 * belongs at the edge.
 */
export const NOT_FORWARDED: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "accept-encoding",
  "x-request-id",
  "traceparent",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-prefix",
]);

/**
 * Answer fields not returned: hop-by-hop ones, and `x-request-id` (the service echoes the id the
 * gateway sent, and the gateway sets the same value on every answer).
 */
export const NOT_RETURNED: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "trailer",
  "upgrade",
  "x-request-id",
]);

/** The fields not returned, with those an answer's `Connection` field names. */
export function droppedFields(headers: [string, string][]): ReadonlySet<string> {
  let connection: string | undefined;
  for (const [name, value] of headers) if (name === "connection") connection = value;
  return connection
    ? new Set([...NOT_RETURNED, ...connection.toLowerCase().split(",").map((n) => n.trim())])
    : NOT_RETURNED;
}

/** The methods no upstream serves: `405`. */
export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "TRACE", "TRACK"]);
