import { isSafeMultilineText, isSafeText } from "@pms/http";

/** What a value that cannot be stored as given is stored as. */
export const INVALID = "[invalid]";
/** Ends a text that was cut; also stands for values left out past a bound. */
export const TRUNCATED = "[truncated]";
const CUT = `…${TRUNCATED}`;

/** The bounds of a record's `details`. */
export const DETAILS_LIMITS = {
  /** Characters of one text value (a longer one is cut, ending in `…[truncated]`). */
  text: 1_000,
  /** Characters of one key. */
  key: 100,
  /** Items of one array, the last being `[truncated]` when more were given. */
  items: 100,
  /** Keys of one object, the last being `[truncated]` when more were given. */
  keys: 50,
  /** Objects and arrays nested in `details` (deeper ones are `[truncated]`). */
  depth: 4,
  /** Characters of all keys and text in `details`, roughly; past it values are `[truncated]`. */
  total: 16_000,
} as const;

/** How text is read: after a lossy UTF-8 decode, U+FFFD marks bytes that were not UTF-8. */
export interface TextRules {
  lossy: boolean;
}

/**
 * `value` as storable text of at most `max` characters: `[invalid]` when it is not a string or
 * holds what PostgreSQL or a reader cannot be trusted with (NUL and every other C0 or C1
 * control character, bidirectional overrides, unpaired surrogates, or after a lossy decode
 * U+FFFD), cut to `max` (ending in `…[truncated]`) when longer. `prose`: free text (a value of
 * `details`, such as a justification or a note), where line breaks and tabs are kept. Idempotent:
 * text it returns is returned unchanged.
 */
export function storableText(
  value: unknown,
  max: number,
  rules: TextRules,
  prose = false,
): string {
  if (typeof value !== "string") return INVALID;
  const safe = prose ? isSafeMultilineText(value) : isSafeText(value);
  if (!safe || (rules.lossy && value.includes("\ufffd"))) return INVALID;
  if (value.length <= max) return value;
  if (max <= CUT.length) return TRUNCATED;
  let head = value.slice(0, max - CUT.length);
  // Never half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  return head + CUT;
}

/** `text`, or `null` when the value is null or missing. */
export function storableNullableText(value: unknown, max: number, rules: TextRules) {
  return value === null || value === undefined ? null : storableText(value, max, rules);
}

interface Budget extends TextRules {
  left: number;
}

/** True for the values JSON leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

function storableValue(value: unknown, depth: number, budget: Budget): unknown {
  if (budget.left <= 0) return TRUNCATED;
  if (value === null || typeof value === "boolean") {
    budget.left -= 5;
    return value;
  }
  if (typeof value === "number") {
    budget.left -= 24;
    return Number.isFinite(value) ? value : INVALID;
  }
  if (typeof value === "bigint") return storableValue(String(value), depth, budget);
  if (typeof value === "string") {
    const text = storableText(value, Math.min(DETAILS_LIMITS.text, budget.left), budget, true);
    budget.left -= text.length + 2;
    return text;
  }
  if (value instanceof Date) {
    return storableValue(
      Number.isNaN(value.getTime()) ? INVALID : value.toISOString(),
      depth,
      budget,
    );
  }
  if (typeof value !== "object") return INVALID;
  if (depth >= DETAILS_LIMITS.depth) return TRUNCATED;
  if (Array.isArray(value)) {
    const fits = value.length <= DETAILS_LIMITS.items;
    const kept = fits ? value : value.slice(0, DETAILS_LIMITS.items - 1);
    const out = kept.map((item) => isOmitted(item) ? null : storableValue(item, depth + 1, budget));
    if (!fits) out.push(TRUNCATED);
    return out;
  }
  return storableObject(value as Record<string, unknown>, depth, budget);
}

function storableObject(
  value: Record<string, unknown>,
  depth: number,
  budget: Budget,
): Record<string, unknown> {
  const entries = Object.entries(value).filter(([, item]) => !isOmitted(item));
  const fits = entries.length <= DETAILS_LIMITS.keys;
  const kept = fits ? entries : entries.slice(0, DETAILS_LIMITS.keys - 1);
  const out: [string, unknown][] = [];
  const keys = new Set<string>();
  for (const [name, item] of kept) {
    let key = storableText(name, DETAILS_LIMITS.key, budget);
    // Two keys redacted or cut alike stay two keys.
    for (let n = 2; keys.has(key); n++) {
      key = `${storableText(name, DETAILS_LIMITS.key, budget)}#${n}`;
    }
    keys.add(key);
    budget.left -= key.length + 3;
    out.push([key, storableValue(item, depth + 1, budget)]);
  }
  if (!fits) out.push([TRUNCATED, entries.length - kept.length]);
  // fromEntries defines own properties: a key `__proto__` stays a key.
  return Object.fromEntries(out);
}

/**
 * `details` as it can be stored and hashed: a JSON object of storable text (see
 * {@linkcode storableText}; values may hold line breaks, keys may not), finite numbers, booleans
 * and null, within {@linkcode DETAILS_LIMITS}; anything else (a value that is no object) becomes
 * `{"details": "[invalid]"}`.
 */
export function storableDetails(value: unknown, rules: TextRules): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) return { details: INVALID };
  return storableObject(value as Record<string, unknown>, 0, {
    left: DETAILS_LIMITS.total,
    lossy: rules.lossy,
  });
}
