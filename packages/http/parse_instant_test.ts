import assert from "node:assert/strict";
import { parseInstant } from "./parse_instant.ts";

Deno.test("parseInstant() reads RFC 3339 times with their offsets", () => {
  const cases: [string, string][] = [
    ["2026-03-29T08:00:00Z", "2026-03-29T08:00:00.000Z"],
    ["2026-03-29t08:00z", "2026-03-29T08:00:00.000Z"],
    ["2026-03-29T10:00:00.123456789+02:00", "2026-03-29T08:00:00.123Z"],
    ["2026-03-29T00:30:00-01:30", "2026-03-29T02:00:00.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ];
  for (const [text, iso] of cases) assert.equal(parseInstant(text)?.toISOString(), iso, text);
});

Deno.test("parseInstant() refuses what is no instant or lies outside years 0001–9999", () => {
  for (
    const text of [
      "2026-02-30T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:60:00Z",
      "2026-01-01T00:00:60Z",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00",
      "2026-01-01",
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:00:00+01:00",
      "9999-12-31T23:59:59-14:00",
      " 2026-01-01T00:00:00Z",
      42,
      undefined,
    ]
  ) {
    assert.equal(parseInstant(text), undefined, String(text));
  }
});
