import { STORED_INSTANTS } from "./_util.ts";

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

/**
 * The instant an RFC 3339 time with its offset stands for (`2026-03-29T08:00:00Z`, seconds
 * optional, up to nine fraction digits, `T` and `Z` in either case), or undefined when it is not
 * one: a day the calendar lacks (`02-30`), an hour past 23, a minute or second past 59, an offset
 * past 23:59, or an instant outside years 0001–9999 in UTC, which no store keeps. Whatever it
 * answers can be written to PostgreSQL and read back.
 */
export function parseInstant(text: unknown): Date | undefined {
  const match = typeof text === "string" ? INSTANT.exec(text) : null;
  if (!match) return undefined;
  const [y, mo, d, h, mi, s = 0] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const fields = new Date(0);
  fields.setUTCFullYear(y!, mo! - 1, d!);
  if (fields.getUTCFullYear() !== y || fields.getUTCMonth() !== mo! - 1) return undefined;
  if (fields.getUTCDate() !== d || h! > 23 || mi! > 59 || s > 59) return undefined;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = match[9] === "-" ? -1 : 1;
  const millis = Math.floor(Number(`0${match[7] ?? ""}`) * 1000);
  const local = fields.getTime() + ((h! * 60 + mi!) * 60 + s) * 1000 + millis;
  const time = local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  if (time < STORED_INSTANTS.earliest || time > STORED_INSTANTS.latest) return undefined;
  return new Date(time);
}
