/**
 * Random audit records for property tests, from a seeded generator (the same seed, the same
 * records): text with escapes, control characters, non-ASCII letters, astral characters and
 * line separators; numbers of every JSON form; `details` nested four levels deep.
 *
 * @module
 */

/** A seeded PRNG (mulberry32): numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "Z",
  "0",
  " ",
  "-",
  ".",
  "@",
  '"',
  "\\",
  "/",
  "\n",
  "\t",
  "\r",
  "\b",
  "\f",
  "\u0001",
  "\u001f",
  "\u007f",
  "\u0080",
  "\u009f",
  "é",
  "ß",
  "Ж",
  "ü",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\u202e",
  "\u200b",
  "中",
  "😀",
  "𝄞",
  "\ud7ff",
  "\ue000",
  "\uffff",
  "\ufffd",
  "\ud800",
  "\udfff",
  "\u0000",
  "\\u0000",
  "<script>",
  "é",
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  42,
  0.1,
  0.5,
  -2.75,
  1e21,
  1e-7,
  123456789012345680000,
  5e-324,
  Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  1.7976931348623157e308,
  1e300,
  3.14159,
];

/** The generator's pick helpers over `random`. */
export function makeRandom(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (max = 12) => Array.from({ length: int(max) }, () => pick(PIECES)).join("");
  const number = () => random() < 0.5 ? pick(NUMBERS) : (random() - 0.5) * 10 ** int(30);
  const uuid = () =>
    Array.from({ length: 32 }, () => "0123456789abcdefABCDEF"[int(22)]).join("")
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  const value = (depth: number): unknown => {
    const kind = int(depth >= 4 ? 4 : 6);
    if (kind === 0) return null;
    if (kind === 1) return random() < 0.5;
    if (kind === 2) return number();
    if (kind === 3) return text();
    if (kind === 4) return Array.from({ length: int(5) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const object = (depth: number): Record<string, unknown> =>
    Object.fromEntries(Array.from({ length: int(6) }, () => [text(6), value(depth)]));
  return { int, pick, text, number, uuid, value, object };
}

/** A random record as a recording service might publish it (odd content included). */
export function randomRecord(random: () => number): Record<string, unknown> {
  const r = makeRandom(random);
  const year = 1970 + r.int(80);
  const time = new Date(Date.UTC(year, r.int(12), 1 + r.int(28), r.int(24), r.int(60)))
    .toISOString();
  return {
    id: r.uuid(),
    time: random() < 0.9 ? time : r.text(),
    actor: random() < 0.2 ? null : {
      userId: random() < 0.2 ? null : r.text(),
      email: random() < 0.8 ? `${r.text(5)}@clinic.example` : r.text(),
      role: random() < 0.2 ? null : r.pick(["ADMIN", "CLINICIAN", "FRONT_DESK", r.text()]),
    },
    action: r.pick(["patient.read", "patient.search", "auth.login", "group.read", `x${r.text()}`]),
    outcome: r.pick(["SUCCESS", "DENIED", "FAILED"]),
    patientIds: Array.from({ length: r.int(60) }, () => random() < 0.95 ? r.uuid() : r.text()),
    service: r.pick(["patient", "auth", "billing", "audit", r.text()]),
    clientAddress: random() < 0.2 ? null : r.pick(["10.0.0.1", "::1", r.text()]),
    requestId: random() < 0.2 ? null : r.text(30),
    traceId: random() < 0.5 ? null : r.text(40),
    details: random() < 0.1 ? null : r.object(0),
  };
}
