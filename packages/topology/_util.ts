/**
 * A V8 flag that bounds a heap: `--max-semi-space-size=N` (the young generation) or
 * `--max-old-space-size=M` (the old one), with the flag's name and its value in MB as groups.
 */
export const HEAP_LIMIT_FLAG = /^--(max-semi-space-size|max-old-space-size)=(\d+)$/;
