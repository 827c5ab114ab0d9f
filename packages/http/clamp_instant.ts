import { STORED_INSTANTS } from "./_util.ts";

/**
 * `instant` moved into the range every store keeps (years 0001–9999 in UTC): a bound computed
 * past its end (the day after 9999-12-31) compares as that range's last millisecond, so a query
 * built from it can still be written to PostgreSQL.
 */
export function clampInstant(instant: Date): Date {
  const time = instant.getTime();
  if (time > STORED_INSTANTS.latest) return new Date(STORED_INSTANTS.latest);
  if (time < STORED_INSTANTS.earliest) return new Date(STORED_INSTANTS.earliest);
  return instant;
}
