import { HEAP_LIMIT_FLAG } from "./_util.ts";

/** An isolate's heap limits in MB, as `node:worker_threads` takes them (`resourceLimits`). */
export interface HeapLimits {
  /** The young generation: V8's two semi-spaces and its new large-object space. */
  maxYoungGenerationSizeMb?: number;
  /** The old generation. */
  maxOldGenerationSizeMb?: number;
}

/**
 * The heap limits that `DENO_V8_FLAGS` sets for a process, for an isolate that shares a process
 * with others (where V8's flags would apply to all of them): `--max-old-space-size=M` is the old
 * generation's `M`, and `--max-semi-space-size=N` a young generation of `3 × N` (two semi-spaces
 * and the new large-object space, as V8 sizes it). The last value of a flag wins, as in V8; other
 * flags are not limits and are left out.
 */
export function heapLimits(v8Flags: string): HeapLimits {
  const limits: HeapLimits = {};
  for (const flag of v8Flags.split(",")) {
    const match = HEAP_LIMIT_FLAG.exec(flag.trim());
    if (!match) continue;
    const mb = Number(match[2]);
    if (match[1] === "max-old-space-size") limits.maxOldGenerationSizeMb = mb;
    else limits.maxYoungGenerationSizeMb = 3 * mb;
  }
  return limits;
}
