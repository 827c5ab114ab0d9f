import { fhirError } from "@pms/http";
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

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A date search's bounds: instants at or after `from`, before `before`. */
export interface DateBounds {
  from?: Date;
  before?: Date;
}

/**
 * Each `date`-type value (`[eq|ge|gt|le|lt]YYYY-MM-DD` or an RFC 3339 instant after the prefix)
 * narrowed into one range, all of them holding. A date stands for its whole day in UTC.
 */
export function dateBounds(param: string, values: string[]): DateBounds {
  const bounds: DateBounds = {};
  const narrow = (from?: Date, before?: Date) => {
    if (from && (!bounds.from || from > bounds.from)) bounds.from = from;
    if (before && (!bounds.before || before < bounds.before)) bounds.before = before;
  };
  for (const raw of values) {
    const match = /^(eq|ge|gt|le|lt)?(.*)$/.exec(raw)!;
    const prefix = match[1] ?? "eq";
    const value = match[2]!;
    let start: Date;
    let end: Date;
    if (DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      start = new Date(`${value}T00:00:00Z`);
      end = new Date(start.getTime() + 86_400_000);
    } else if (INSTANT.test(value) && !Number.isNaN(Date.parse(value))) {
      start = new Date(value);
      end = new Date(start.getTime() + 1);
    } else {
      throw fhirError(
        400,
        `${param} must be YYYY-MM-DD or an RFC 3339 time after an optional prefix eq, ge, gt, le, lt`,
      );
    }
    if (prefix === "eq") narrow(start, end);
    else if (prefix === "ge") narrow(start);
    else if (prefix === "gt") narrow(end);
    else if (prefix === "le") narrow(undefined, end);
    else narrow(undefined, start);
  }
  return bounds;
}
