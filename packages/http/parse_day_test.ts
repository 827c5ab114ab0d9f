import assert from "node:assert/strict";
import { parseDay } from "./parse_day.ts";

Deno.test("parseDay() reads calendar dates as their UTC midnight", () => {
  assert.equal(parseDay("2024-02-29")?.toISOString(), "2024-02-29T00:00:00.000Z");
  assert.equal(parseDay("0001-01-01")?.toISOString(), "0001-01-01T00:00:00.000Z");
  assert.equal(parseDay("0099-12-31")?.toISOString(), "0099-12-31T00:00:00.000Z");
});

Deno.test("parseDay() refuses days the calendar lacks and year 0000", () => {
  for (const text of ["2023-02-29", "2026-04-31", "2026-00-10", "0000-01-01", "2026-1-1", 7]) {
    assert.equal(parseDay(text), undefined, String(text));
  }
});
