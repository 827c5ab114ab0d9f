import { z } from "@hono/zod-openapi";
import { type OutcomeIssue, QUERY_BOUNDS } from "@pms/http";
import type { BirthDateBound, PatientSearch, SearchSort } from "../store/patient_search_store.ts";
import { isCalendarDate } from "../domain/dates.ts";
import { isStorableText } from "../domain/patient_schema.ts";

/** A parsed search: what to find, and the query of any page of it (for the Bundle's links). */
export type ParsedSearch =
  | {
    ok: true;
    search: PatientSearch;
    /**
     * The search parameters as given (repeated ones as arrays; not `_format`): the audit
     * record's details.
     */
    params: Record<string, string | string[]>;
    /** The query string of the page at `offset` (same parameters, `_count`, `_offset`). */
    pageQuery(offset: number): string;
  }
  | { ok: false; issues: OutcomeIssue[] };

/** The search parameters of Patient this facade supports (the CapabilityStatement's). */
export const SEARCH_PARAMS = [
  "name",
  "family",
  "given",
  "birthdate",
  "email",
  "_id",
  "_count",
  "_sort",
] as const;

// Also accepted: the links' `_offset`, and `_format` (checked before the search).
const ACCEPTED = new Set<string>([...SEARCH_PARAMS, "_offset", "_format"]);
const ONCE = new Set(["_count", "_offset", "_sort"]);
// Alternatives per parameter and repetitions of one (the shared query bounds; the route's
// validation hook refuses more before this parser runs).
const MAX_VALUES = QUERY_BOUNDS.values;
const MAX_REPETITIONS = QUERY_BOUNDS.repetitions;
const PREFIXES = ["eq", "ne", "gt", "lt", "ge", "le"] as const;
const DATE = /^([a-z]{2})?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SORT_KEYS = ["name", "birthdate", "_lastUpdated"] as const;
const email = z.string().max(254).email();

class Refused extends Error {
  constructor(readonly code: "invalid" | "not-supported", message: string) {
    super(message);
  }
}

/** A value's alternatives: split at commas that are not escaped (`\,`), then unescaped. */
function alternatives(value: string): string[] {
  return value.split(/(?<!\\),/).map((part) => part.replace(/\\([,$|\\])/g, "$1"));
}

function lastDayOf(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** A `birthdate` value (`[prefix]YYYY[-MM[-DD]]`) as the range of days it stands for. */
export function parseBirthDate(value: string): BirthDateBound {
  const invalid = () =>
    new Refused(
      "invalid",
      "birthdate must be YYYY, YYYY-MM or YYYY-MM-DD, after an optional prefix eq, ne, gt, lt, " +
        "ge or le",
    );
  const match = DATE.exec(value.trim());
  if (!match) throw invalid();
  const [, given, y, m, d] = match;
  const prefix = (given ?? "eq") as BirthDateBound["prefix"];
  if (!PREFIXES.includes(prefix)) {
    throw new Refused("not-supported", `birthdate prefix ${given} is not supported`);
  }
  const year = Number(y);
  if (year < 1) throw invalid();
  if (d !== undefined) {
    const day = `${y}-${m}-${d}`;
    if (!isCalendarDate(day)) throw invalid();
    return { prefix, start: day, end: day };
  }
  if (m !== undefined) {
    const month = Number(m);
    if (month < 1 || month > 12) throw invalid();
    return {
      prefix,
      start: `${y}-${m}-01`,
      end: `${y}-${m}-${String(lastDayOf(year, month)).padStart(2, "0")}`,
    };
  }
  return { prefix, start: `${y}-01-01`, end: `${y}-12-31` };
}

/** A string parameter's value: trimmed, not empty, at most 100 characters, storable text. */
function words(param: string, value: string): string {
  const text = value.trim();
  if (text === "") throw new Refused("invalid", `${param} must not be empty`);
  if (text.length > 100) throw new Refused("invalid", `${param} must be at most 100 characters`);
  if (!isStorableText(text)) throw new Refused("invalid", `${param} contains invalid characters`);
  if (param === "name" && text.split(/\s+/).length > 10) {
    throw new Refused("invalid", "name must have at most 10 words");
  }
  return text;
}

function count(param: string, value: string, max: number, min: number): number {
  const message = `${param} must be a whole number from ${min} to ${max}`;
  if (!/^\d{1,8}$/.test(value)) throw new Refused("invalid", message);
  const n = Number(value);
  if (n < min || n > max) throw new Refused("invalid", message);
  return n;
}

function sortOf(value: string): SearchSort[] {
  const keys = value.split(",").map((part) => part.trim());
  const sort = keys.map((part) => {
    const key = part.replace(/^-/, "");
    if (!(SORT_KEYS as readonly string[]).includes(key)) {
      throw new Refused(
        "not-supported",
        `_sort by ${key || "(nothing)"} is not supported (name, birthdate, _lastUpdated)`,
      );
    }
    return { key: key as SearchSort["key"], descending: part.startsWith("-") };
  });
  if (new Set(sort.map((s) => s.key)).size < sort.length) {
    throw new Refused("invalid", "_sort names a key twice");
  }
  return sort;
}

/**
 * Reads a Patient search-type query (the pairs as sent, in order): `name` (each word begins a
 * word of the name), `family`, `given` (word prefix), `birthdate` (`YYYY[-MM[-DD]]`, prefixes
 * `eq ne gt lt ge le`), `email` (exact, any case), `_id` (a list), `_count` (1 to `maxCount`),
 * `_sort` (`name`, `birthdate`, `_lastUpdated`, `-` for descending) and `_offset` (the links').
 * A repeated parameter must hold each time; a comma separates alternatives. Any other
 * parameter, or a modifier (`name:exact`), is `not-supported`; a bad value `invalid`.
 */
export function parsePatientSearch(
  pairs: [string, string][],
  limits: { defaultCount: number; maxCount: number },
): ParsedSearch {
  const search: PatientSearch = {
    name: [],
    family: [],
    given: [],
    email: [],
    birthdate: [],
    id: [],
    sort: [],
    offset: 0,
    count: limits.defaultCount,
  };
  const params: Record<string, string | string[]> = {};
  const seen = new Set<string>();
  const repetitions = new Map<string, number>();
  try {
    for (const [key, value] of pairs) {
      if (!ACCEPTED.has(key)) {
        const [base, modifier] = key.split(":");
        throw new Refused(
          "not-supported",
          modifier !== undefined && ACCEPTED.has(base!)
            ? `Modifier :${modifier} of ${base} is not supported`
            : `Search parameter ${key} is not supported`,
        );
      }
      if (ONCE.has(key) && seen.has(key)) throw new Refused("invalid", `${key} may be given once`);
      const times = (repetitions.get(key) ?? 0) + 1;
      repetitions.set(key, times);
      if (times > MAX_REPETITIONS) {
        throw new Refused("invalid", `${key} may be given at most ${MAX_REPETITIONS} times`);
      }
      if (value.split(/(?<!\\),/).length > MAX_VALUES) {
        throw new Refused(
          "invalid",
          `${key} may hold at most ${MAX_VALUES} comma-separated values`,
        );
      }
      seen.add(key);
      // `_format` is content negotiation, checked before the search: not a search parameter.
      if (key !== "_format") {
        const before = params[key];
        params[key] = before === undefined ? value : [before, value].flat();
      }
      switch (key) {
        case "name":
        case "family":
        case "given":
          search[key].push(alternatives(value).map((v) => words(key, v)));
          break;
        case "email":
          search.email.push(
            alternatives(value).map((v) => {
              if (!email.safeParse(v.trim()).success) {
                throw new Refused("invalid", "email must be a valid email address");
              }
              return v.trim();
            }),
          );
          break;
        case "birthdate":
          search.birthdate.push(alternatives(value).map(parseBirthDate));
          break;
        case "_id": {
          const ids = alternatives(value).map((v) => v.trim());
          if (ids.length > MAX_VALUES || !ids.every((id) => UUID.test(id))) {
            throw new Refused(
              "invalid",
              `_id must be a list of at most ${MAX_VALUES} patient ids (UUIDs)`,
            );
          }
          search.id.push(ids.map((id) => id.toLowerCase()));
          break;
        }
        case "_count":
          search.count = count(key, value, limits.maxCount, 1);
          break;
        case "_offset":
          search.offset = count(key, value, 10_000_000, 0);
          break;
        case "_sort":
          search.sort = sortOf(value);
          break;
      }
    }
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return {
      ok: false,
      issues: [{ severity: "error", code: error.code, diagnostics: error.message }],
    };
  }
  const kept = pairs.filter(([key]) => key !== "_count" && key !== "_offset");
  return {
    ok: true,
    search,
    params,
    pageQuery: (offset) =>
      new URLSearchParams([
        ...kept,
        ["_count", String(search.count)],
        ["_offset", String(offset)],
      ]).toString(),
  };
}
