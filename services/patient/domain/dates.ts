import { parseDay } from "@pms/http";

/** True for a real calendar date written `YYYY-MM-DD` (so not 2023-02-30), years 0001–9999. */
export function isCalendarDate(value: string): boolean {
  return parseDay(value) !== undefined;
}

/** Today as `YYYY-MM-DD` in UTC. Dates compare as strings in this form. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
