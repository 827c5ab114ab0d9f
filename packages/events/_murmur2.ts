const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/**
 * The Java client's `Utils.murmur2` of the bytes, as a signed 32-bit integer, computed in 32-bit
 * arithmetic (`Math.imul`). kafkajs's `DefaultPartitioner` computes the same value with its 64-bit
 * `Long` class: 4.7–4.9 µs and 4–7 KB of garbage per uuid key, against 0.7–0.8 µs here (20,000
 * keys, 2-core machine, 2026-11-27).
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
