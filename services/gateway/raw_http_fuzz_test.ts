// deno-lint-ignore-file no-console
/**
 * Fuzzing the gateway's own HTTP handling: requests written byte by byte over TCP, made from a
 * seeded generator (odd methods, request lines and versions; huge and many header fields; invalid
 * percent-encoding; NUL and control bytes in paths; absolute-form and asterisk targets; `..` and
 * encoded-dot tricks; bad framing), against the gateway process with an upstream that answers
 * everything. Every request gets an answer that is not a 500, or the connection is closed, within
 * the time allowed; the gateway stays healthy. `PMS_FUZZ_SEED` replays a run (the seed is
 * printed); `PMS_RAW_FUZZ_CASES` sets how many requests (default 400).
 */
import assert from "node:assert/strict";
import { startEcho, startGateway } from "./_test_util.ts";

const CASES = Number(Deno.env.get("PMS_RAW_FUZZ_CASES") ?? 400);
const SEED = Number(Deno.env.get("PMS_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));
/** The gateway's head and body timeouts in this test; a request must be settled within the wait. */
const HEAD_TIMEOUT_MS = 1_000;
const WAIT_MS = 4_000;

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

const METHODS = [
  "GET",
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "CONNECT",
  "get",
  "PRI",
  "G\x00T",
  "X".repeat(300),
  "GET GET",
  "",
  "GE(T",
];
const BASES = [
  "/",
  "/health",
  "/auth/login",
  "/auth/.well-known/jwks.json",
  "/api/patients",
  "/api/patients/123e4567-e89b-12d3-a456-426614174000",
  "/api/billing/accounts/x",
  "/fhir/R4/metadata",
  "/fhir/R4/Patient",
  "/docs",
  "/docs/assets/swagger-ui.css",
  "/docs/assets/constructor",
  "/docs/assets/__proto__",
  "/api-docs/patients",
  "/nothing",
];
const SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2e",
  "%252e%252e",
  ".%2e",
  "%2e",
  "%",
  "%2",
  "%zz",
  "%00",
  "%ff%fe",
  "%c0%af",
  "%2f..%2f",
  "..\\..",
  "\\",
  "\x00",
  "\x01",
  "\x7f",
  "\t",
  "é",
  "\xff",
  "toString",
  "hasOwnProperty",
  "__proto__",
  "@evil.example",
  ":99999",
  "a".repeat(2_000),
  "b".repeat(9_000),
  "",
  ";x=1",
  "#frag",
];
const QUERIES = ["", "?a=1", "?a=%", "?a=%zz&b=%00", "?" + "q=1&".repeat(3_000), "?a=\x00", "??"];
const VERSIONS = [
  "HTTP/1.1",
  "HTTP/1.1",
  "HTTP/1.1",
  "HTTP/1.0",
  "HTTP/2.0",
  "HTTP/9.9",
  "HTTP/1.1 extra",
  "http/1.1",
  "",
];

/**
 * One request as bytes (a Latin-1 string). Each part is odd with a probability scaled by the
 * request's wildness, so that some requests are nearly valid (and reach the routes and the
 * upstream) and others are odd in many ways at once.
 */
function makeRequest(r: ReturnType<typeof generator>): string {
  const wild = r.pick([0.05, 0.2, 0.6]);
  const odd = (p = 1) => r.chance(p * wild);
  const method = odd(2) ? r.pick(METHODS) : r.pick(["GET", "GET", "POST", "PUT", "DELETE"]);
  let target = "";
  if (odd(0.3)) target = "*";
  else {
    if (odd(0.5)) target = `http://${r.pick(["evil.example", "127.0.0.1:1", "gw"])}`;
    target += r.pick(BASES);
    for (let i = odd(3) ? 1 + r.int(3) : 0; i > 0; i--) {
      target += `${target.endsWith("/") ? "" : "/"}${r.pick(SEGMENTS)}`;
    }
    if (odd()) target += r.pick(QUERIES);
  }
  const version = odd() ? r.pick(VERSIONS) : "HTTP/1.1";
  const fields: string[] = [];
  const host = odd() ? r.int(5) : 5;
  if (host === 0) fields.push("Host:");
  else if (host === 1) fields.push("Host: a", "Host: b");
  else if (host === 2) fields.push(`Host: ${"h".repeat(5_000)}`);
  else if (host === 3) fields.push("Host: evil.example:99999");
  else if (host !== 4) fields.push("Host: gw");
  if (odd()) fields.push(`Authorization: Bearer ${r.pick(["x.y.z", "", "a".repeat(4_000)])}`);
  if (odd()) fields.push(`X-Forwarded-For: ${r.pick(["1.2.3.4", ", ,", "\t", "x".repeat(500)])}`);
  if (odd(0.5)) fields.push(`X-Big: ${"y".repeat(r.pick([1_000, 17_000, 70_000, 300_000]))}`);
  if (odd(0.5)) {
    for (let i = r.pick([50, 101, 500, 3_000]); i > 0; i--) fields.push(`X-F${i}: ${i}`);
  }
  if (odd(0.2)) fields.push("X-Bad\x00Name: 1");
  if (odd(0.2)) fields.push("X-Value: a\x00b");
  if (odd(0.2)) fields.push("NoColonHere");
  if (odd(0.2)) fields.push("X-Folded: a", " folded");
  if (odd(0.2)) fields.push(" X-Leading-Space: 1");
  if (odd(0.2)) fields.push("X-Space-Before-Colon : 1");
  if (odd(0.2)) fields.push("Expect: 100-continue");
  if (odd(0.2)) fields.push("Upgrade: websocket", "Connection: Upgrade");
  if (odd(0.2)) fields.push("Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__");
  if (odd(0.2)) fields.push("X-Request-Id: \x01\x02");
  let body = "";
  const framing = odd() ? r.int(6) : 6;
  if (framing === 0) {
    fields.push("Content-Length: 5");
    body = "hello";
  } else if (framing === 1) {
    fields.push(`Content-Length: ${r.pick(["-1", "abc", "1e3", " 5", ""])}`);
  } else if (framing === 2) fields.push("Content-Length: 3", "Content-Length: 4");
  else if (framing === 3) {
    fields.push("Transfer-Encoding: chunked");
    body = r.pick(["5\r\nhello\r\n0\r\n\r\n", "zz\r\nx\r\n0\r\n\r\n", "0\r\n\r\n"]);
  } else if (framing === 4) fields.push("Transfer-Encoding: chunked", "Content-Length: 5");
  else if (framing === 5) fields.push("Transfer-Encoding: gzip, chunked, x");
  const eol = odd(0.2) ? "\n" : "\r\n";
  const line = odd(0.2) ? `${method}  ${target}  ${version}` : `${method} ${target} ${version}`;
  const request = `${line}${eol}${
    [...fields, "Connection: close"].map((f) => `${f}${eol}`).join("")
  }${eol}${body}`;
  // Cut short: a head or body that never ends must not hold the connection.
  return odd(0.2) ? request.slice(0, r.int(request.length)) : request;
}

interface Outcome {
  status: number;
  head: string;
  body: string;
  /** Answered or closed within the wait. */
  settled: boolean;
}

/** What was read without the interim answers (`100 Continue`) before the final one. */
function finalAnswer(text: string): string {
  return text.replace(/^(?:HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, "");
}

/** Sends `request`, reads until the connection closes, an answer is complete, or the wait ends. */
async function send(port: number, request: string): Promise<Outcome> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, WAIT_MS);
  const bytes = Uint8Array.from(request, (ch) => ch.charCodeAt(0) & 0xff);
  const writing = (async () => {
    for (let offset = 0; offset < bytes.length;) {
      const n = await conn.write(bytes.subarray(offset)).catch(() => -1);
      if (n < 0) return;
      offset += n;
    }
  })();
  let text = "";
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    for (let i = 0; i < n; i++) text += String.fromCharCode(buffer[i]!);
    const answer = finalAnswer(text);
    const end = answer.indexOf("\r\n\r\n");
    const length = /\r\ncontent-length: *(\d+)/i.exec(answer)?.[1];
    if (end !== -1 && length !== undefined && answer.length >= end + 4 + Number(length)) break;
  }
  clearTimeout(timer);
  if (!timedOut) {
    try {
      conn.close();
    } catch { /* closed */ }
  }
  await writing;
  const answer = finalAnswer(text);
  const end = answer.indexOf("\r\n\r\n");
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0),
    head: end === -1 ? answer.slice(0, 500) : answer.slice(0, end),
    body: end === -1 ? "" : answer.slice(end + 4, end + 4 + 300),
    settled: !timedOut,
  };
}

Deno.test("the gateway answers odd, oversized and malformed raw requests without a 500 or a hang", async () => {
  console.log(`raw HTTP fuzz: ${CASES} requests, PMS_FUZZ_SEED=${SEED}`);
  const echo = startEcho();
  const gateway = await startGateway(echo.url, {
    HEAD_TIMEOUT_MS: String(HEAD_TIMEOUT_MS),
    BODY_READ_TIMEOUT_MS: String(HEAD_TIMEOUT_MS),
  });
  const r = generator(SEED);
  const statuses = new Map<number, number>();
  try {
    const requests = Array.from({ length: CASES }, () => makeRequest(r));
    // Four at a time: enough to keep the run short, few enough not to crowd the machine.
    for (let i = 0; i < requests.length; i += 4) {
      const batch = requests.slice(i, i + 4);
      const outcomes = await Promise.all(batch.map((request) => send(gateway.port, request)));
      outcomes.forEach((outcome, j) => {
        const what = `case ${i + j} (seed ${SEED}): ${JSON.stringify(batch[j]!.slice(0, 300))}` +
          ` → ${JSON.stringify(outcome.head.slice(0, 200))} ${JSON.stringify(outcome.body)}`;
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        if (outcome.status === 0) console.log(`closed without an answer: ${what}`);
        assert.ok(outcome.settled, `no answer and not closed within ${WAIT_MS} ms: ${what}`);
        assert.ok(outcome.status < 500 || outcome.status > 504, `server error: ${what}`);
        assert.ok(outcome.status !== 500, `500: ${what}`);
        if (outcome.status >= 400 && outcome.body !== "") {
          assert.match(
            outcome.head,
            /content-type: application\/(fhir\+)?json/i,
            `not JSON: ${what}`,
          );
        }
      });
    }
    const health = await fetch(`${gateway.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    console.log(
      `answers: ${
        [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s || "closed"}×${n}`).join(", ")
      }`,
    );
    await gateway.stop();
    await echo.stop();
  }
});
