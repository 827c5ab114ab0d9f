import assert from "node:assert/strict";
import { type ChainAt, checkCheckpoints } from "./check_checkpoints.ts";

const h = (n: number) => n.toString(16).padStart(64, "0");

/** A stored chain holding seqs `min`..`max` with hash h(seq) unless `rewritten` says otherwise. */
function chain(min: number | null, max: number | null, rewritten: Record<number, string> = {}) {
  const hashes = new Map<number, string>();
  if (min !== null && max !== null) {
    for (let seq = min; seq <= max; seq++) hashes.set(seq, rewritten[seq] ?? h(seq));
  }
  return {
    minSeq: min,
    maxSeq: max,
    minPrevHash: min === null ? null : h(min - 1),
    hashes,
  } satisfies ChainAt;
}
const at = (seq: number, signatureHolds = true, hash = h(seq)) => ({ seq, hash, signatureHolds });

Deno.test("checkCheckpoints() holds each checkpoint against the stored chain", () => {
  const cases: [
    string,
    ReturnType<typeof at>[],
    ChainAt,
    { seq: number; hash: string }?,
    object?,
  ][] = [
    ["no checkpoints, empty table", [], chain(null, null), undefined, { checked: 0, ok: true }],
    ["intact", [at(10), at(20)], chain(1, 25), undefined, { checked: 2, ok: true }],
    ["the newest records deleted", [at(10), at(20)], chain(1, 15), undefined, {
      checked: 2,
      ok: false,
      firstBadSeq: 20,
    }],
    ["every record deleted", [at(10)], chain(null, null), undefined, {
      checked: 1,
      ok: false,
      firstBadSeq: 10,
    }],
    [
      "the chain rewritten from 5 (its hashes recomputed)",
      [at(10), at(20)],
      chain(1, 25, {
        10: h(999),
        20: h(998),
      }),
      undefined,
      { checked: 2, ok: false, firstBadSeq: 10 },
    ],
    ["a signature that fails", [at(10), at(20, false)], chain(1, 25), undefined, {
      checked: 2,
      ok: false,
      firstBadSeq: 20,
    }],
    ["older than retention kept: signature only", [at(3), at(10)], chain(8, 12), undefined, {
      checked: 2,
      ok: true,
    }],
    [
      "the one just before the oldest kept: its prevHash",
      [at(7, true, h(70)), at(10)],
      chain(8, 12),
      undefined,
      {
        checked: 2,
        ok: false,
        firstBadSeq: 7,
      },
    ],
    ["this process's head deleted before its checkpoint", [at(10)], chain(1, 12), {
      seq: 14,
      hash: h(14),
    }, { checked: 1, ok: false, firstBadSeq: 14 }],
    ["this process's head intact", [at(10)], chain(1, 14), { seq: 14, hash: h(14) }, {
      checked: 1,
      ok: true,
    }],
  ];
  for (const [name, checkpoints, stored, head, expected] of cases) {
    assert.deepEqual(checkCheckpoints(checkpoints, stored, head), expected, name);
  }
});
