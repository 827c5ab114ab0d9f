// Helpers of serve_bounded.ts: the node:http timer settings that give the wanted bounds, and the
// JSON answers to requests the HTTP parser refuses.
import { issueCodeOf, operationOutcome } from "@pms/http";
import { API_SECURITY_HEADERS } from "./api_security_headers.ts";

/** The longest request line accepted (method, target and version), in bytes. */
export const MAX_REQUEST_LINE_BYTES = 8 * 1024;

/** A fixed answer: status, reason phrase and JSON body. */
export interface FixedAnswer {
  status: number;
  reason: string;
  body: { message: string };
}

/** `node:http` timer settings, in ms. */
export interface TimeoutSettings {
  headersTimeout: number;
  keepAliveTimeout: number;
  checkingInterval: number;
}

// Deno's node:http closes an idle kept-alive socket this long after its `keepAliveTimeout` (the
// margin Node calls `keepAliveTimeoutBuffer`, which Deno does not let one change); so the timeout
// is set this much shorter and the connection closes at the idle bound. Clients are told the
// shorter figure (`Keep-Alive: timeout=59`), so they stop reusing the connection first.
const KEEP_ALIVE_MARGIN_MS = 1_000;

/**
 * The settings that close a connection whose head is not complete within `headersMs`, or that
 * carries no request for `idleMs`. The head deadline is checked every tenth of it (50 ms to 1 s),
 * so a connection is closed at most that late.
 */
export function headTimeouts(headersMs: number, idleMs: number): TimeoutSettings {
  return {
    headersTimeout: headersMs,
    keepAliveTimeout: Math.max(1, idleMs - KEEP_ALIVE_MARGIN_MS),
    checkingInterval: Math.min(1_000, Math.max(50, Math.floor(headersMs / 10))),
  };
}

/** A fixed answer whose body is `{"message"}`. */
function fixed(status: number, reason: string, message: string): FixedAnswer {
  return { status, reason, body: { message } };
}

/** The answer to a request that cannot be made into a `Request` (a backslash, a bad Host). */
export const REQUEST_ERROR_ANSWER = fixed(400, "Bad Request", "Bad request");
const TIMEOUT = fixed(408, "Request Timeout", "The request did not arrive in time");
const URI_TOO_LONG = fixed(414, "URI Too Long", "URI too long");
const FIELDS_TOO_LARGE = fixed(
  431,
  "Request Header Fields Too Large",
  "Request header fields too large",
);
/** The answer to `CONNECT`, which no route serves (node:http would close the connection). */
export const CONNECT_ANSWER = fixed(405, "Method Not Allowed", "Method not allowed");

/**
 * An answer written straight to the connection, which is then closed; with `fhir` (the refused
 * request was for a FHIR route) an OperationOutcome, as the gateway's other errors there are.
 */
export function answerText(answer: FixedAnswer, fhir = false): string {
  const body = JSON.stringify(
    fhir
      ? operationOutcome([{
        severity: "error",
        code: issueCodeOf(answer.status, answer.body.message),
        diagnostics: answer.body.message,
      }])
      : answer.body,
  );
  const type = fhir ? "application/fhir+json" : "application/json";
  const fields = fixedAnswerFields().map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `HTTP/1.1 ${answer.status} ${answer.reason}\r\ncontent-type: ${type}\r\n${fields}` +
    `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
}

/**
 * The fields of an answer written below the app, to a request the parser or the adapter refused
 * (no request id could be read from it): a new `x-request-id`, as every answer carries one, and
 * the API's security headers.
 */
export function fixedAnswerFields(): [string, string][] {
  return [
    ["x-request-id", crypto.randomUUID()],
    ...API_SECURITY_HEADERS.map(([name, value]): [string, string] => [name, value]),
  ];
}

/** A request line's start: a method token and a space. */
const REQUEST_LINE_START = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

/**
 * The first `max` bytes of `packet` (the bytes the parser stopped at) as Latin-1 text, and the
 * length of the request line start they begin with; undefined when they begin with none.
 */
function requestLineHead(packet: Uint8Array | undefined, max: number) {
  if (!packet) return undefined;
  let text = "";
  const end = Math.min(packet.length, max);
  for (let i = 0; i < end; i++) text += String.fromCharCode(packet[i]!);
  const start = REQUEST_LINE_START.exec(text);
  return start ? { text, target: start[0].length } : undefined;
}

/**
 * The path of the request line `packet` (the bytes the parser stopped at) begins with, or
 * undefined when it does not begin with one.
 */
export function requestLinePath(packet: Uint8Array | undefined): string | undefined {
  const head = requestLineHead(packet, 256);
  return head && /^[^\s?#]*/.exec(head.text.slice(head.target))![0];
}

/**
 * True when `packet`, the bytes the parser stopped at, begins a request line that runs past
 * {@linkcode MAX_REQUEST_LINE_BYTES}. (A head that arrived in pieces may overflow in a later
 * piece, which no longer shows the line's start: that one is answered as oversized fields.)
 */
function requestLineTooLong(packet: Uint8Array | undefined): boolean {
  const head = requestLineHead(packet, MAX_REQUEST_LINE_BYTES + 2);
  if (!head) return false;
  const eol = head.text.indexOf("\r\n");
  return eol === -1 || eol > MAX_REQUEST_LINE_BYTES;
}

/**
 * The JSON answer to a connection error `node:http` reports (`clientError`), or undefined when
 * the connection is only to be closed (the peer went away): `408` for a head not complete in
 * time, `414` for a request line too long to read, `431` for fields too large, `400` for anything
 * else the parser refuses.
 */
export function answerFor(
  code: string | undefined,
  packet: Uint8Array | undefined,
): FixedAnswer | undefined {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return TIMEOUT;
  if (code === "HPE_HEADER_OVERFLOW") {
    return requestLineTooLong(packet) ? URI_TOO_LONG : FIELDS_TOO_LARGE;
  }
  if (code?.startsWith("HPE_")) return REQUEST_ERROR_ANSWER;
  return undefined;
}
