import { deepEqual } from "node:assert/strict";
import { heapLimits } from "./heap_limits.ts";

Deno.test("heapLimits() reads the old generation and three semi-spaces of young generation", () => {
  deepEqual(heapLimits("--max-semi-space-size=8,--max-old-space-size=128,--no-parallel-scavenge"), {
    maxYoungGenerationSizeMb: 24,
    maxOldGenerationSizeMb: 128,
  });
});

Deno.test("heapLimits() keeps the last value of a flag, as V8 does", () => {
  deepEqual(
    heapLimits("--max-semi-space-size=8,--max-old-space-size=128,--max-semi-space-size=2"),
    {
      maxYoungGenerationSizeMb: 6,
      maxOldGenerationSizeMb: 128,
    },
  );
});

Deno.test("heapLimits() leaves out flags that are not limits", () => {
  deepEqual(heapLimits("--initial-old-space-size=64,--single-threaded-gc"), {});
  deepEqual(heapLimits(""), {});
});
