const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The UTC midnight starting a calendar date written `YYYY-MM-DD`, or undefined when it is not
 * one: a day the calendar lacks (`2023-02-30`) or year 0000, which no store keeps.
 */
export function parseDay(text: unknown): Date | undefined {
  const match = typeof text === "string" ? DAY.exec(text) : null;
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.UTC() reads years 0–99 as 1900–1999; setUTCFullYear() takes the year as given.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const real = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  return real ? date : undefined;
}
