import { clampInstant, fhirError, parseInstant } from "@pms/http";
import { isUuid } from "@pms/ids";

/** The query as sent: `[name, value]` pairs, in order. */
export function queryPairs(url: string): [string, string][] {
  return [...new URL(url).searchParams];
}

/** `400 not-supported` for a parameter the interaction does not take. */
export function onlyParams(pairs: [string, string][], allowed: string[]): void {
  for (const [key] of pairs) {
    if (!allowed.includes(key)) {
      throw fhirError(400, `Parameter ${key} is not supported here`, { code: "not-supported" });
    }
  }
}

/** A reference parameter (`<id>` or `<Type>/<id>`, `Type` one of `types`) as its id. */
export function referenceId(param: string, value: string, types: string[]): string {
  const slash = value.indexOf("/");
  const type = slash < 0 ? undefined : value.slice(0, slash);
  const id = slash < 0 ? value : value.slice(slash + 1);
  if ((type !== undefined && !types.includes(type)) || !isUuid(id)) {
    throw fhirError(400, `${param} must be an id or ${types.map((t) => `${t}/<id>`).join(", ")}`);
  }
  return id;
}

/** `_count` (1 to `max`, default `fallback`) and `_offset` (from 0) of a search. */
export function fhirPageParams(
  pairs: [string, string][],
  fallback: number,
  max: number,
): { count: number; offset: number } {
  const number = (name: string, min: number, top: number, given: string | undefined, d: number) => {
    if (given === undefined) return d;
    const n = /^\d{1,8}$/.test(given) ? Number(given) : NaN;
    if (!(n >= min && n <= top)) {
      throw fhirError(400, `${name} must be a whole number from ${min} to ${top}`);
    }
    return n;
  };
  const get = (name: string) => pairs.findLast(([k]) => k === name)?.[1];
  return {
    count: number("_count", 1, max, get("_count"), fallback),
    offset: number("_offset", 0, 10_000_000, get("_offset"), 0),
  };
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const PREFIXES = ["eq", "ne", "gt", "lt", "ge", "le"] as const;

/** A range of instants: at or after `from`, before `before`. */
export interface DateRange {
  from: Date;
  before: Date;
}

/** A date search's bounds: instants at or after `from`, before `before`, in no `excluded` range. */
export interface DateBounds {
  from?: Date;
  before?: Date;
  /** The ranges `ne` values leave out. */
  excluded: DateRange[];
}

/**
 * The range of instants a `date`-type value stands for (after its prefix): `YYYY`, `YYYY-MM` or
 * `YYYY-MM-DD` their whole year, month or day in UTC; an RFC 3339 instant that millisecond.
 * Undefined for anything else.
 */
export function dateRange(value: string): DateRange | undefined {
  const day = DATE.exec(value);
  if (day) {
    const [, y, m, d] = day;
    const year = Number(y);
    const month = m === undefined ? 1 : Number(m);
    const date = d === undefined ? 1 : Number(d);
    if (year < 1 || month < 1 || month > 12 || date < 1) return undefined;
    const from = new Date(0);
    from.setUTCFullYear(year, month - 1, date);
    if (from.getUTCMonth() !== month - 1 || from.getUTCDate() !== date) return undefined;
    const before = new Date(from);
    if (d !== undefined) before.setUTCDate(date + 1);
    else if (m !== undefined) before.setUTCMonth(month);
    else before.setUTCFullYear(year + 1);
    return { from, before };
  }
  const from = parseInstant(value);
  if (from) return { from, before: new Date(from.getTime() + 1) };
  return undefined;
}

/**
 * Each `date`-type value (`[eq|ne|gt|lt|ge|le]` then `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an
 * RFC 3339 instant) narrowed into one range, all of them holding. A partial date stands for its
 * whole year, month or day in UTC: `eq` is within it, `ne` outside it, `ge` from its start on,
 * `gt` after its end, `le` up to its end, `lt` before its start.
 */
export function dateBounds(param: string, values: string[]): DateBounds {
  const bounds: DateBounds = { excluded: [] };
  const narrow = (from?: Date, before?: Date) => {
    if (from && (!bounds.from || from > bounds.from)) bounds.from = from;
    if (before && (!bounds.before || before < bounds.before)) bounds.before = before;
  };
  for (const raw of values) {
    const match = /^([a-z]{2})?(.*)$/.exec(raw.trim())!;
    const prefix = match[1] ?? "eq";
    if (!(PREFIXES as readonly string[]).includes(prefix)) {
      throw fhirError(400, `${param} prefix ${prefix} is not supported`, {
        code: "not-supported",
      });
    }
    const range = dateRange(match[2]!);
    if (!range) {
      throw fhirError(
        400,
        `${param} must be YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time, after an optional ` +
          "prefix eq, ne, gt, lt, ge or le",
      );
    }
    // Bounds past year 9999 (the day after 9999-12-31) are kept where a query can hold them.
    const from = clampInstant(range.from);
    const before = clampInstant(range.before);
    if (prefix === "eq") narrow(from, before);
    else if (prefix === "ne") bounds.excluded.push({ from, before });
    else if (prefix === "ge") narrow(from);
    else if (prefix === "gt") narrow(before);
    else if (prefix === "le") narrow(undefined, before);
    else narrow(undefined, from);
  }
  return bounds;
}

/** Whether `instant` holds for `bounds`. */
export function withinBounds(bounds: DateBounds, instant: Date): boolean {
  const t = instant.getTime();
  return (!bounds.from || t >= bounds.from.getTime()) &&
    (!bounds.before || t < bounds.before.getTime()) &&
    bounds.excluded.every((r) => t < r.from.getTime() || t >= r.before.getTime());
}

/**
 * What a token value asks of codes from `system`, the only system they have: `<code>` (any
 * system) and `<system>|<code>` that code, `<system>|` any code, each `{ code }` (`code`
 * undefined: any); `false` when no code of `system` can match (`|<code>`, a code of no system, or
 * another system).
 */
export function tokenCode(value: string, system: string): { code?: string } | false {
  const bar = value.indexOf("|");
  if (bar < 0) return { code: value === "" ? undefined : value };
  if (value.slice(0, bar) !== system) return false;
  const code = value.slice(bar + 1);
  return { code: code === "" ? undefined : code };
}
