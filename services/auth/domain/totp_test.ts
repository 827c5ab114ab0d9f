import assert from "node:assert/strict";
import { hotp, matchTotp, totpStep } from "./totp.ts";
import { encodeBase32 } from "./_base32.ts";

// RFC 6238 Appendix B, SHA-1 rows: the seed is the ASCII "12345678901234567890"; the 6-digit
// code is the last six digits of the 8-digit value listed.
const SEED = new TextEncoder().encode("12345678901234567890");
const VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

Deno.test("hotp() gives RFC 6238's SHA-1 test vectors, 8 and 6 digits", async () => {
  for (const [seconds, expected] of VECTORS) {
    const step = totpStep(seconds * 1000);
    assert.equal(await hotp(SEED, step, 8), expected, `T=${seconds}`);
    assert.equal(await hotp(SEED, step), expected.slice(-6), `T=${seconds}, 6 digits`);
  }
});

Deno.test("hotp() gives RFC 4226's test values", async () => {
  const expected = ["755224", "287082", "359152", "969429", "338314"];
  for (const [counter, code] of expected.entries()) {
    assert.equal(await hotp(SEED, counter), code);
  }
});

Deno.test("matchTotp() accepts one step either side and nothing further or malformed", async () => {
  const now = 1111111111 * 1000;
  const step = totpStep(now);
  for (const offset of [-1, 0, 1]) {
    assert.equal(await matchTotp(SEED, await hotp(SEED, step + offset), now), step + offset);
  }
  for (const offset of [-2, 2]) {
    assert.equal(await matchTotp(SEED, await hotp(SEED, step + offset), now), undefined);
  }
  for (const bad of ["", "12345", "1234567", "abcdef", " 50471"]) {
    assert.equal(await matchTotp(SEED, bad, now), undefined);
  }
});

Deno.test("encodeBase32() gives RFC 4648's test vectors, unpadded", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];
  for (const [text, expected] of cases) {
    assert.equal(encodeBase32(new TextEncoder().encode(text)), expected);
  }
  assert.equal(encodeBase32(SEED), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
});
