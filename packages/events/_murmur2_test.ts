import assert from "node:assert/strict";
import { murmur2 } from "./_murmur2.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

Deno.test("murmur2() gives the Java client's values (Kafka's UtilsTest vectors)", () => {
  const cases: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  for (const [key, expected] of cases) assert.equal(murmur2(utf8(key)), expected, key);
});
