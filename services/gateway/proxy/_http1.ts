// HTTP/1.1 message framing for the gateway's upstream client (RFC 9112): the request's head as
// bytes, and the response's head parsed with the checks a proxy needs so that an upstream's answer
// cannot be read two ways (one Content-Length, no folded lines, no whitespace before a colon).

/** A response's status line and header fields, names in lower case. */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** The header fields in the order received, names lower-cased, values trimmed. */
  headers: [string, string][];
  /** The body's framing (RFC 9112 §6.3), before the request method and status are considered. */
  framing: { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };
  /** Whether the upstream keeps the connection open (HTTP/1.1 without `Connection: close`). */
  persistent: boolean;
}

/** A response the gateway cannot read safely; the call fails with a 502. */
export class UpstreamProtocolError extends Error {
  override name = "UpstreamProtocolError";
}

const encoder = new TextEncoder();
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;
const TARGET = /^\/[\x21-\x7e]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;
const DIGITS = /^\d{1,15}$/;

/** Header fields the client sets itself, whatever the caller passes. */
const OWN_FIELDS = new Set(["host", "content-length", "transfer-encoding", "expect", "connection"]);

/** Methods whose requests carry a body or an explicit empty one (`Content-Length: 0`). */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * The request's head as text: request line, `Host`, the caller's fields but those the client
 * sets itself, and `Content-Length` for a body of `bodyLength` bytes.
 *
 * @throws {TypeError} for a method, target or field that would change the message's meaning.
 */
export function requestHead(
  method: string,
  target: string,
  host: string,
  headers: Iterable<[string, string]>,
  bodyLength: number | undefined,
): string {
  if (!FIELD_NAME.test(method)) throw new TypeError("invalid request method");
  if (!TARGET.test(target)) throw new TypeError("invalid request target");
  let head = `${method} ${target} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (OWN_FIELDS.has(lower)) continue;
    if (!FIELD_NAME.test(name) || BAD_VALUE.test(value)) {
      throw new TypeError(`invalid header field ${JSON.stringify(name)}`);
    }
    head += `${lower}: ${value}\r\n`;
  }
  if (bodyLength !== undefined) head += `content-length: ${bodyLength}\r\n`;
  else if (BODY_METHODS.has(method)) head += "content-length: 0\r\n";
  return head + "\r\n";
}

/**
 * The head (each character one byte: header values are byte strings, RFC 9110 §5.5) and the body
 * as one message, written into `scratch` when it fits there, else into a new array.
 *
 * @throws {TypeError} for head text beyond Latin-1.
 */
export function encodeMessage(
  head: string,
  body: Uint8Array | undefined,
  scratch: Uint8Array,
): Uint8Array {
  const total = head.length + (body?.byteLength ?? 0);
  const out = total <= scratch.length ? scratch : new Uint8Array(total);
  // Heads are nearly always printable ASCII (one UTF-8 byte a character); else byte by byte.
  if (!NON_ASCII.test(head)) encoder.encodeInto(head, out);
  else {
    for (let i = 0; i < head.length; i++) {
      const code = head.charCodeAt(i);
      if (code > 0xff) throw new TypeError("header text beyond Latin-1");
      out[i] = code;
    }
  }
  if (body) out.set(body, head.length);
  return out.subarray(0, total);
}

/** The bytes as a string, one character per byte. */
export function latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return text;
}

/** Where the first CRLF CRLF at or after `from` ends (the index after it), or -1. */
export function headEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = Math.max(from, 3); i < to; i++) {
    if (
      bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13
    ) return i + 1;
  }
  return -1;
}

/** Where the first CRLF at or after `from` starts, or -1. */
export function lineEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  }
  return -1;
}

/**
 * Parses a response head (the status line and fields, without the final empty line).
 *
 * @throws {UpstreamProtocolError} for anything a proxy must not guess at.
 */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split("\r\n");
  const status = STATUS_LINE.exec(lines[0] ?? "");
  if (!status) throw new UpstreamProtocolError("malformed status line");
  const http10 = status[1] === "0";
  const headers: [string, string][] = [];
  let length: string | undefined;
  let chunked = false;
  let encoded = false;
  let close = http10;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !FIELD_NAME.test(name)) {
      throw new UpstreamProtocolError("malformed header field");
    }
    const lower = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (BAD_VALUE.test(value)) throw new UpstreamProtocolError("malformed header field");
    headers.push([lower, value]);
    if (lower === "content-length") {
      if (!DIGITS.test(value) || (length !== undefined && length !== value)) {
        throw new UpstreamProtocolError("invalid Content-Length");
      }
      length = value;
    } else if (lower === "transfer-encoding") {
      encoded = true;
      const codings = value.toLowerCase().split(",");
      chunked = codings[codings.length - 1]!.trim() === "chunked";
    } else if (lower === "connection") {
      const options = value.toLowerCase().split(",").map((option) => option.trim());
      if (options.includes("close")) close = true;
      else if (http10 && options.includes("keep-alive")) close = false;
    }
  }
  // Both framings at once is how responses are split or smuggled (RFC 9112 §6.3): refused. A
  // body whose last coding is not chunked runs to the connection's end.
  if (encoded && length !== undefined) {
    throw new UpstreamProtocolError("both Transfer-Encoding and Content-Length");
  }
  const framing: ResponseHead["framing"] = encoded
    ? (chunked ? { kind: "chunked" } : { kind: "close" })
    : length !== undefined
    ? { kind: "length", length: Number(length) }
    : { kind: "close" };
  return {
    status: Number(status[2]),
    statusText: status[3] ?? "",
    headers,
    framing,
    persistent: !close,
  };
}

/** The size of a chunk from its size line (`1a;ext=1`). */
export function chunkSize(line: string): number {
  const semicolon = line.indexOf(";");
  const hex = (semicolon === -1 ? line : line.slice(0, semicolon)).trim();
  if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new UpstreamProtocolError("invalid chunk size");
  return parseInt(hex, 16);
}
